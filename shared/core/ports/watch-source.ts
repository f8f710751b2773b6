// The watch port: how a provider pushes "something changed" to KB Sync instead of being polled. A
// watch is the provider's subscription or channel on one source; its notifications arrive at the
// provider's webhook route (watch/webhook-routes.ts) and are verified against a per-watch secret.
// The policy says how the provider's watches live and die, so the watch manager needs no provider
// knowledge (docs/notifications.md, "Watch port and policy").
import type { SourceRecord } from '../domain/source.js';

/**
 * Events a provider sends about a watch itself (not about the source's items):
 * - `reauthorization_required`: the watch needs fresh authorization to keep delivering;
 * - `removed`: the provider dropped the watch; a new one is needed;
 * - `missed`: notifications were lost; the source needs a full catch-up.
 */
export const WATCH_LIFECYCLE_EVENTS = ['reauthorization_required', 'removed', 'missed'] as const;
export type WatchLifecycleEvent = (typeof WATCH_LIFECYCLE_EVENTS)[number];

export interface WatchPolicy {
  /** The longest lifetime the provider grants a watch on this source. */
  maxLifetimeMs(source: SourceRecord): number;
  /** Asked for this much less than the maximum, so clock skew never makes the provider refuse the request. */
  expiryMarginMs: number;
  /** How a watch is extended: the provider moves its expiry, or only a new watch replaces the old one. */
  renewal: 'renew-in-place' | 'recreate';
  /** Whether `reauthorize` exists; without it a reauthorization request is answered by renewing. */
  reauthorizeSupported: boolean;
  /** The lifecycle events the provider sends; none means no lifecycle URL is given at creation. */
  lifecycleEvents: readonly WatchLifecycleEvent[];
  /** Longest per-watch secret the provider accepts. */
  maxSecretLength: number;
}

export interface WatchRequest {
  /** Where the provider posts change notifications. */
  callbackUrl: string;
  /** Where it posts lifecycle events; absent when the policy lists none. */
  lifecycleUrl?: string;
  /** Echoed by the provider in every notification; proves the notification is genuine. */
  secret: string;
  /** ISO 8601: the expiry asked for (the provider may grant less). */
  expiresAt: string;
}

export interface WatchInfo {
  watchId: string;
  /** ISO 8601: the expiry the provider granted. */
  expiresAt: string;
  /**
   * Who the provider's notifications for this watch must name as their sender, when the provider pins
   * one; the provider's webhook verifier checks it. Undefined accepts any sender.
   */
  issuer?: string;
  /**
   * The provider's id of what the watch observes, when stopping the watch needs it besides the watch
   * id (Google's `resourceId`); kept in the watch's record and given back to `delete`.
   */
  resource?: string;
}

/** What `delete` is told about the watch to stop. */
export type WatchHandle = Pick<WatchInfo, 'watchId' | 'resource'>;

export interface WatchSource {
  readonly policy: WatchPolicy;
  /** The provider's segment in the webhook routes: `webhooks/{name}` and `webhooks/{name}/lifecycle`. */
  readonly webhookName: string;
  create(source: SourceRecord, request: WatchRequest): Promise<WatchInfo>;
  /** Present when the policy is `renew-in-place`: moves the expiry; throws `NotFoundError` when the watch is gone. */
  renew?(source: SourceRecord, watchId: string, expiresAt: string): Promise<WatchInfo>;
  /** Present when `policy.reauthorizeSupported`; throws `NotFoundError` when the watch is gone. */
  reauthorize?(source: SourceRecord, watchId: string): Promise<void>;
  /** Deleting a watch that is already gone succeeds. */
  delete(source: SourceRecord, watch: WatchHandle): Promise<void>;
}
