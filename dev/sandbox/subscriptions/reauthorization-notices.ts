// When to send reauthorizationRequired (docs/graph-behaviour.md §4 lifecycle; change-notifications-lifecycle-events.md).
// Graph sends it before a subscription's access or expiry would lapse, and repeats it until the
// client reauthorizes or renews. The sandbox's choice: once less than reauthorizationWindowMs
// (60 minutes) of the subscription remains, then at most every reauthorizationRepeatMs (10 minutes)
// until PATCH renews it or POST …/reauthorize resets the cadence. The access token's own expiry is
// not a trigger here: every subscription would otherwise get a notice within minutes of creation.
import type { NotificationDispatcher } from './notification-dispatcher.js';
import { lifecycleNotification } from './notification-payloads.js';
import type { SubscriptionSettings } from './subscription-settings.js';
import type { SubscriptionStore } from './subscription-store.js';

export function sendDueReauthorizationNotices(
  store: SubscriptionStore,
  dispatcher: NotificationDispatcher,
  settings: SubscriptionSettings,
  tenantId: string,
  now: number,
): void {
  for (const subscription of store.live()) {
    if (subscription.lifecycleNotificationUrl === null) continue;
    if (subscription.expiresAt - now > settings.reauthorizationWindowMs) continue;
    const last = subscription.lastReauthorizationNoticeAt;
    if (last !== undefined && now - last < settings.reauthorizationRepeatMs) continue;
    subscription.lastReauthorizationNoticeAt = now;
    dispatcher.enqueue(
      'lifecycle',
      subscription.lifecycleNotificationUrl,
      lifecycleNotification(subscription, tenantId, 'reauthorizationRequired'),
    );
  }
}
