// The watch of a Teams source: one Graph subscription on its messages
// (https://learn.microsoft.com/graph/teams-changenotifications-chatmessage), changeType
// created,updated,deleted:
// - one channel: `teams/{teamId}/channels/{channelId}/messages` (posts and replies);
// - every channel of a team: `teams/{teamId}/channels/getAllMessages`;
// - one chat: `chats/{chatId}/messages`;
// - every chat of a user: `users/{userId}/chats/getAllMessages`.
// A subscription on these resources for more than an hour must name a lifecycleNotificationUrl, or
// Graph refuses it (same page); the watch manager always passes one, and create refuses a request
// without it. The lifetime is at most 4,320 minutes for chatMessage
// (https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime), a setting
// (TEAMS_WATCH_MAX_LIFETIME_MINUTES), since Microsoft has changed these limits before.
//
// Rich notifications (TEAMS_RICH_NOTIFICATIONS, default on): given a key ring, every subscription is
// created with includeResourceData and the ring's current certificate (encryptionCertificate,
// encryptionCertificateId; https://learn.microsoft.com/en-us/graph/change-notifications-with-resource-data),
// through SubscriptionTarget.extraBody. A PATCH of a subscription updates only its expiry and
// notificationUrl (https://learn.microsoft.com/graph/api/resources/subscription, "Update"), so after a
// certificate rotation a renewal cannot move a subscription to the new certificate: `renew` reads the
// subscription's encryptionCertificateId from the PATCH answer and, when it is no longer the current
// one, answers NotFoundError, which makes the watch manager create a new subscription (with the new
// certificate, and a sync that closes any gap). The old one lapses; its notifications still decrypt
// with the ring's previous key until then.
import type { SourceRecord } from '../../../core/domain/source.js';
import type { WatchInfo, WatchPolicy, WatchRequest } from '../../../core/ports/watch-source.js';
import { NotFoundError } from '../../../core/domain/errors.js';
import type { GraphTransport } from '../graph/graph-transport.js';
import { patchSubscriptionExpiry, toInfo } from '../webhooks/graph-subscriptions.js';
import type { NotificationKeyRing } from '../webhooks/resource-data/notification-key-ring.js';
import { GraphSubscriptionWatch } from '../webhooks/graph-subscription-watch.js';
import { renewableWatchPolicy } from '../webhooks/graph-watch-policy.js';
import { teamsLocationOf } from './teams-location.js';
import { teamsPaths } from './teams-paths.js';

export const CHAT_MESSAGE_MAX_SUBSCRIPTION_MINUTES = 4_320;

/** What rich notifications add to a subscription (https://learn.microsoft.com/graph/change-notifications-with-resource-data). */
export interface TeamsResourceDataOptions {
  includeResourceData: true;
  /** The base64 public key certificate Graph encrypts the resource data with. */
  encryptionCertificate: string;
  /** The app's id for that certificate, sent back in each notification. */
  encryptionCertificateId: string;
}

export function teamsWatchPolicy(maxLifetimeMinutes = CHAT_MESSAGE_MAX_SUBSCRIPTION_MINUTES): WatchPolicy {
  return renewableWatchPolicy(maxLifetimeMinutes);
}

/** The subscribed resource of a source. */
export function teamsSubscriptionResource(source: Pick<SourceRecord, 'resolvedLocation'>): string {
  const location = teamsLocationOf(source);
  if (location.teamId !== undefined) {
    return location.channelId !== undefined
      ? teamsPaths.channelSubscription(location.teamId, location.channelId)
      : teamsPaths.teamSubscription(location.teamId);
  }
  if (location.chatId !== undefined) return teamsPaths.chatSubscription(location.chatId);
  return teamsPaths.userChatsSubscription(location.userId ?? '');
}

/** The creation fields of rich notifications, from the ring's current certificate. */
export async function teamsResourceData(
  keys: Pick<NotificationKeyRing, 'currentCertificate'>,
): Promise<TeamsResourceDataOptions> {
  const certificate = await keys.currentCertificate();
  return {
    includeResourceData: true,
    encryptionCertificate: certificate.certificateBase64,
    encryptionCertificateId: certificate.id,
  };
}

export class TeamsWatch extends GraphSubscriptionWatch {
  constructor(
    transport: GraphTransport,
    configuredTenantId: string | undefined,
    maxLifetimeMinutes?: number,
    /** Rich notifications: the certificates subscriptions encrypt with; none → plain notifications. */
    private readonly keys?: Pick<NotificationKeyRing, 'currentCertificate'>,
  ) {
    super(transport, configuredTenantId, {
      policy: teamsWatchPolicy(maxLifetimeMinutes),
      target: async (source) => {
        const extra = keys ? await teamsResourceData(keys) : undefined;
        return {
          resource: teamsSubscriptionResource(source),
          changeType: 'created,updated,deleted',
          what: 'Teams messages',
          ...(extra ? { extraBody: { ...extra } } : {}),
        };
      },
    });
  }

  override async create(source: SourceRecord, request: WatchRequest): Promise<WatchInfo> {
    // Graph refuses a Teams subscription of more than an hour without it; better said here.
    if (!request.lifecycleUrl) throw new RangeError('a Teams subscription needs a lifecycleNotificationUrl');
    return super.create(source, request);
  }

  override async renew(source: SourceRecord, watchId: string, expiresAt: string): Promise<WatchInfo> {
    if (!this.keys) return super.renew(source, watchId, expiresAt);
    const subscription = await patchSubscriptionExpiry(this.transport, source, watchId, expiresAt);
    const current = await this.keys.currentCertificate();
    if (subscription['encryptionCertificateId'] !== current.id) {
      // Encrypting with a previous certificate (or none): only a new subscription can take the current one.
      throw new NotFoundError('a subscription with the current encryption certificate');
    }
    return toInfo(subscription);
  }
}
