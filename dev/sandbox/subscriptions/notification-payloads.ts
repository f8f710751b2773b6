// The bodies Graph POSTs (docs/graph-behaviour.md §4; changenotification.md, change-notifications-lifecycle-events.md).
import type { MessageChangeEvent } from '../mail/mail-port.js';
import type { TeamsMessageChangeEvent } from '../teams/teams-port.js';
import { encryptResourceData, parseEncryptionCertificate } from './resource-data-encryption.js';
import type { NotificationBody } from './notification-dispatcher.js';
import type { SubscriptionRecord } from './subscription-store.js';

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

/** driveItem notifications carry the subscribed resource and no resource data: the client runs delta. */
export function changeNotification(subscription: SubscriptionRecord, tenantId: string): NotificationBody {
  return {
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: new Date(subscription.expiresAt).toISOString(),
    changeType: 'updated',
    resource: subscription.resource,
    clientState: subscription.clientState,
    tenantId,
    resourceData: null,
  };
}

/**
 * A message notification names the changed message (outlook-change-notifications-overview,
 * change-notifications-delivery-webhooks "Receive notifications"): resource and @odata.id
 * `Users/{user id}/Messages/{message id}`, resourceData with the Message type, etag and id. The id is
 * the immutable one when the subscription was created with the ImmutableId preference.
 */
export function messageChangeNotification(
  subscription: SubscriptionRecord,
  tenantId: string,
  event: MessageChangeEvent,
): NotificationBody {
  const id = subscription.immutableIds ? event.immutableId : event.regularId;
  const resource = `Users/${event.userId}/Messages/${id}`;
  return {
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: new Date(subscription.expiresAt).toISOString(),
    changeType: event.changeType,
    resource,
    clientState: subscription.clientState,
    tenantId,
    resourceData: {
      '@odata.type': '#Microsoft.Graph.Message',
      '@odata.id': resource,
      '@odata.etag': event.etag,
      id,
    },
  };
}

/**
 * A chatMessage notification (teams-changenotifications-chatmessage, change-notifications-with-resource-data
 * example): resource and @odata.id name the message as `teams('{team}')/channels('{channel}')/messages('{id}')`
 * (replies: `…/messages('{root}')/replies('{id}')`) or `chats('{chat}')/messages('{id}')`; resourceData
 * holds only id and type. With includeResourceData the whole chatMessage travels in encryptedContent.
 */
export function teamsMessageChangeNotification(
  subscription: SubscriptionRecord,
  tenantId: string,
  event: TeamsMessageChangeEvent,
): NotificationBody {
  const place = event.place;
  const resource =
    place.kind === 'chat'
      ? `chats('${place.chatId}')/messages('${event.messageId}')`
      : event.replyToId === null
        ? `teams('${place.teamId}')/channels('${place.channelId}')/messages('${event.messageId}')`
        : `teams('${place.teamId}')/channels('${place.channelId}')/messages('${event.replyToId}')/replies('${event.messageId}')`;
  const body: NotificationBody = {
    subscriptionId: subscription.id,
    changeType: event.changeType,
    clientState: subscription.clientState,
    subscriptionExpirationDateTime: new Date(subscription.expiresAt).toISOString(),
    resource,
    tenantId,
    resourceData: { id: event.messageId, '@odata.type': '#Microsoft.Graph.chatMessage', '@odata.id': resource },
  };
  if (subscription.encryption) {
    const { certificate, certificateId } = subscription.encryption;
    body.encryptedContent = encryptResourceData(
      event.resource,
      parseEncryptionCertificate(certificate, certificateId),
      certificateId,
    );
  }
  return body;
}

/**
 * `organizationId` instead of `tenantId` (and `resource: "Subscriptions/{id}"`) has been seen in
 * real lifecycle payloads [O]; the control API can ask for that variant so clients are tested on it.
 */
export function lifecycleNotification(
  subscription: SubscriptionRecord,
  tenantId: string,
  lifecycleEvent: LifecycleEvent,
  variant: 'tenantId' | 'organizationId' = 'tenantId',
): NotificationBody {
  const body: NotificationBody = {
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: new Date(subscription.expiresAt).toISOString(),
    clientState: subscription.clientState,
    lifecycleEvent,
  };
  if (variant === 'organizationId') {
    body.organizationId = tenantId;
    body.resource = `Subscriptions/${subscription.id}`;
  } else {
    body.tenantId = tenantId;
  }
  return body;
}
