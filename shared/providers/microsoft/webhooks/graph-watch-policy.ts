// How Microsoft Graph subscriptions on drives live, as the watch manager's policy (docs/notifications.md):
// - lifetime: at most 42,300 minutes for driveItem
//   (https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime);
// - renewal: a PATCH of expirationDateTime moves the expiry of the same subscription;
// - reauthorization: POST /subscriptions/{id}/reauthorize exists; lifecycle events are
//   reauthorizationRequired, subscriptionRemoved and missed
//   (https://learn.microsoft.com/graph/change-notifications-lifecycle-events);
// - clientState: at most 128 characters (subscription resource, clientState property).
import type { WatchPolicy } from '../../../core/ports/watch-source.js';
import { NEUTRAL_LIFECYCLE_EVENT } from './notification-payloads.js';

/** The Microsoft provider's webhook routes: `webhooks/graph` and `webhooks/graph/lifecycle` (live subscriptions post there). */
export const GRAPH_WEBHOOK_NAME = 'graph';

export const DRIVE_ITEM_MAX_SUBSCRIPTION_MINUTES = 42_300;
/** Asked for a little less than the maximum so clock skew never makes Graph reject the request. */
export const EXPIRY_MARGIN_MINUTES = 60;
export const CLIENT_STATE_MAX_LENGTH = 128;

export const driveWatchPolicy: WatchPolicy = {
  maxLifetimeMs: () => DRIVE_ITEM_MAX_SUBSCRIPTION_MINUTES * 60_000,
  expiryMarginMs: EXPIRY_MARGIN_MINUTES * 60_000,
  renewal: 'renew-in-place',
  reauthorizeSupported: true,
  lifecycleEvents: Object.values(NEUTRAL_LIFECYCLE_EVENT),
  maxSecretLength: CLIENT_STATE_MAX_LENGTH,
};

/**
 * The policy of a subscription whose lifetime is a setting (Outlook messages, Teams messages): renewed
 * in place, an hour short of the maximum or a tenth of a short (test) lifetime, every lifecycle event.
 */
export function renewableWatchPolicy(maxLifetimeMinutes: number): WatchPolicy {
  return {
    maxLifetimeMs: () => maxLifetimeMinutes * 60_000,
    expiryMarginMs: Math.min(EXPIRY_MARGIN_MINUTES, Math.floor(maxLifetimeMinutes / 10)) * 60_000,
    renewal: 'renew-in-place',
    reauthorizeSupported: true,
    lifecycleEvents: Object.values(NEUTRAL_LIFECYCLE_EVENT),
    maxSecretLength: CLIENT_STATE_MAX_LENGTH,
  };
}
