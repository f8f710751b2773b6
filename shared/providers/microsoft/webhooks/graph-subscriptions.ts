// Graph change-notification subscriptions (https://learn.microsoft.com/graph/api/resources/subscription):
// create, renew (PATCH), reauthorize, delete. What is subscribed to is the caller's: a drive's root
// (drive-watch.ts), a mailbox's messages (mail/mail-watch.ts).
import type { SourceRecord } from '../../../core/domain/source.js';
import type { WatchInfo, WatchRequest } from '../../../core/ports/watch-source.js';
import type { FailureTarget } from '../graph/graph-failure.js';
import { graphPaths } from '../drive/graph-paths.js';
import { subscriptionSchema, type GraphSubscription } from '../drive/graph-schemas.js';
import { discardBody, failureFrom, readGraphJson, type GraphTransport } from '../graph/graph-transport.js';

/** What a subscription observes: the resource path (no base URL) and the change types Graph allows on it. */
export interface SubscriptionTarget {
  resource: string;
  changeType: string;
  /** For errors: what a 404 at creation says is gone (the source's drive, mailbox…). */
  what: string;
  /**
   * More fields of the creation body, for resources that take them (Teams: includeResourceData,
   * encryptionCertificate, encryptionCertificateId for rich notifications). Cannot replace the fields above.
   */
  extraBody?: Record<string, unknown>;
}

const WHAT = 'subscription';
/** A subscription that is gone is NotFound (recreate it), not a broken source. */
const SUBSCRIPTION: FailureTarget = { what: WHAT, missingMeans: 'thing' };

export async function createSubscription(
  transport: GraphTransport,
  source: SourceRecord,
  request: WatchRequest,
  target: SubscriptionTarget,
  headers?: Record<string, string>,
): Promise<WatchInfo> {
  const body = {
    ...target.extraBody,
    changeType: target.changeType,
    notificationUrl: request.callbackUrl,
    lifecycleNotificationUrl: request.lifecycleUrl,
    resource: target.resource,
    expirationDateTime: request.expiresAt,
    clientState: request.secret,
  };
  // A 404 here means what is subscribed to is gone, not a subscription.
  const response = await transport.sendOk(
    source,
    { method: 'POST', url: graphPaths.subscriptions(), body, ...(headers ? { headers } : {}) },
    { what: `${target.what} subscription`, missingMeans: 'source' },
  );
  return toInfo(await readGraphJson(response, subscriptionSchema, WHAT));
}

/** PATCH expirationDateTime (renewing also reauthorizes). 404 → NotFoundError: recreate it. */
export async function renewSubscription(
  transport: GraphTransport,
  source: SourceRecord,
  subscriptionId: string,
  expirationDateTime: string,
): Promise<WatchInfo> {
  return toInfo(await patchSubscriptionExpiry(transport, source, subscriptionId, expirationDateTime));
}

/** The same PATCH, answering Graph's whole subscription (Teams reads its encryptionCertificateId). */
export async function patchSubscriptionExpiry(
  transport: GraphTransport,
  source: SourceRecord,
  subscriptionId: string,
  expirationDateTime: string,
): Promise<GraphSubscription> {
  const response = await transport.sendOk(
    source,
    { method: 'PATCH', url: graphPaths.subscription(subscriptionId), body: { expirationDateTime } },
    SUBSCRIPTION,
  );
  return readGraphJson(response, subscriptionSchema, WHAT);
}

export async function reauthorizeSubscription(
  transport: GraphTransport,
  source: SourceRecord,
  subscriptionId: string,
): Promise<void> {
  const response = await transport.sendOk(
    source,
    { method: 'POST', url: graphPaths.reauthorize(subscriptionId), body: {} },
    SUBSCRIPTION,
  );
  await discardBody(response);
}

/** Deleting a subscription that is already gone is success: the goal is that it does not exist. */
export async function deleteSubscription(
  transport: GraphTransport,
  source: SourceRecord,
  subscriptionId: string,
): Promise<void> {
  const response = await transport.send(
    source,
    { method: 'DELETE', url: graphPaths.subscription(subscriptionId) },
    WHAT,
  );
  if (response.ok || response.status === 404) {
    await discardBody(response);
    return;
  }
  throw await failureFrom(response, SUBSCRIPTION);
}

export function toInfo(subscription: { id: string; expirationDateTime: string }): WatchInfo {
  return { watchId: subscription.id, expiresAt: subscription.expirationDateTime };
}
