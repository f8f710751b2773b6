// The watch of a mail source: one Graph subscription on the mailbox's messages (every folder; the
// engine's folder scope decides what counts), changeType created,updated,deleted, with immutable ids
// (https://learn.microsoft.com/graph/outlook-change-notifications-overview). Outlook sends all three
// lifecycle events, `missed` and `subscriptionRemoved` included
// (https://learn.microsoft.com/graph/change-notifications-lifecycle-events); the core answers them.
import type { WatchPolicy } from '../../../core/ports/watch-source.js';
import type { GraphTransport } from '../graph/graph-transport.js';
import { GraphSubscriptionWatch } from '../webhooks/graph-subscription-watch.js';
import { renewableWatchPolicy } from '../webhooks/graph-watch-policy.js';
import { mailboxOf } from './mail-location.js';
import { IMMUTABLE_IDS, mailPaths } from './mail-paths.js';

/**
 * Graph's current maximum for Outlook message subscriptions: 10,080 minutes (under 7 days)
 * (https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime). A setting
 * (MAIL_WATCH_MAX_LIFETIME_MINUTES), since Microsoft has changed these limits before.
 */
export const OUTLOOK_MESSAGE_MAX_SUBSCRIPTION_MINUTES = 10_080;

export function mailWatchPolicy(maxLifetimeMinutes = OUTLOOK_MESSAGE_MAX_SUBSCRIPTION_MINUTES): WatchPolicy {
  return renewableWatchPolicy(maxLifetimeMinutes);
}

export class MailWatch extends GraphSubscriptionWatch {
  constructor(transport: GraphTransport, configuredTenantId: string | undefined, maxLifetimeMinutes?: number) {
    super(transport, configuredTenantId, {
      policy: mailWatchPolicy(maxLifetimeMinutes),
      target: (source) => ({
        resource: mailPaths.subscriptionResource(mailboxOf(source).userId),
        changeType: 'created,updated,deleted',
        what: 'mailbox',
      }),
      headers: IMMUTABLE_IDS,
    });
  }
}
