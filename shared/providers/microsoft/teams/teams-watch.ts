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
// Rich notifications (resource data in the notification) are not asked for: the notification only
// makes the engine sync the source. The seam is `resourceData`: when given, its fields
// (includeResourceData, encryptionCertificate, encryptionCertificateId) join the creation body
// (webhooks/graph-subscriptions.ts, SubscriptionTarget.extraBody); decrypting them is not here.
import type { SourceRecord } from '../../../core/domain/source.js';
import type { WatchInfo, WatchPolicy, WatchRequest } from '../../../core/ports/watch-source.js';
import type { GraphTransport } from '../graph/graph-transport.js';
import { GraphSubscriptionWatch } from '../webhooks/graph-subscription-watch.js';
import { renewableWatchPolicy } from '../webhooks/graph-watch-policy.js';
import { teamsLocationOf } from './teams-location.js';
import { teamsPaths } from './teams-paths.js';

export const CHAT_MESSAGE_MAX_SUBSCRIPTION_MINUTES = 4_320;

/** What rich notifications will add to a subscription (https://learn.microsoft.com/graph/change-notifications-with-resource-data). */
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

export class TeamsWatch extends GraphSubscriptionWatch {
  constructor(
    transport: GraphTransport,
    configuredTenantId: string | undefined,
    maxLifetimeMinutes?: number,
    /** The seam for rich notifications: the subscription fields of a source, or none. */
    resourceData?: (source: SourceRecord) => TeamsResourceDataOptions | undefined,
  ) {
    super(transport, configuredTenantId, {
      policy: teamsWatchPolicy(maxLifetimeMinutes),
      target: (source) => {
        const extra = resourceData?.(source);
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
}
