// Change-notification subscriptions on a drive (docs/graph-behaviour.md §3). Always on the drive root:
// Business and SharePoint allow nothing else, and personal drives allow a folder too, but one rule
// for every drive type keeps renewal and recreation uniform; the engine filters by scope itself,
// and a notification is only a hint to run delta anyway.
import type { SourceRecord } from '../../../core/domain/source.js';
import { driveOf } from './drive-location.js';
import type { WatchInfo, WatchRequest } from '../../../core/ports/watch-source.js';
import type { FailureTarget } from '../graph/graph-failure.js';
import { graphPaths } from './graph-paths.js';
import { subscriptionSchema } from './graph-schemas.js';
import { discardBody, failureFrom, readGraphJson, type GraphTransport } from '../graph/graph-transport.js';

const WHAT = 'subscription';
/** A subscription that is gone is NotFound (recreate it), not a broken source. */
const SUBSCRIPTION: FailureTarget = { what: WHAT, missingMeans: 'thing' };

export async function createSubscription(
  transport: GraphTransport,
  source: SourceRecord,
  request: WatchRequest,
): Promise<WatchInfo> {
  const body = {
    changeType: 'updated', // the only change type driveItem supports
    notificationUrl: request.callbackUrl,
    lifecycleNotificationUrl: request.lifecycleUrl,
    resource: graphPaths.subscriptionResource(driveOf(source).driveId),
    expirationDateTime: request.expiresAt,
    clientState: request.secret,
  };
  // A 404 here means the drive is gone, not a subscription.
  const response = await transport.sendOk(
    source,
    { method: 'POST', url: graphPaths.subscriptions(), body },
    { what: 'drive subscription', missingMeans: 'source' },
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
  const response = await transport.sendOk(
    source,
    { method: 'PATCH', url: graphPaths.subscription(subscriptionId), body: { expirationDateTime } },
    SUBSCRIPTION,
  );
  return toInfo(await readGraphJson(response, subscriptionSchema, WHAT));
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

function toInfo(subscription: { id: string; expirationDateTime: string }): WatchInfo {
  return { watchId: subscription.id, expiresAt: subscription.expirationDateTime };
}
