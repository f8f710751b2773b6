// The subscription resource as Graph returns it (docs/graph-behaviour.md §3; resources/subscription.md).
import type { SubscriptionRecord } from './subscription-store.js';

/** `includeClientState` is true only for the create response: GET and PATCH return clientState null. */
export function subscriptionJson(record: SubscriptionRecord, includeClientState: boolean): Record<string, unknown> {
  return {
    id: record.id,
    resource: record.resource,
    applicationId: record.applicationId,
    changeType: record.changeType,
    clientState: includeClientState ? record.clientState : null,
    notificationUrl: record.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: record.lifecycleNotificationUrl,
    expirationDateTime: new Date(record.expiresAt).toISOString(),
    creatorId: record.creatorId,
    includeResourceData: record.encryption ? true : null,
    latestSupportedTlsVersion: record.latestSupportedTlsVersion,
    encryptionCertificate: record.encryption?.certificate ?? null,
    encryptionCertificateId: record.encryption?.certificateId ?? null,
    notificationUrlAppId: null,
    notificationContentType: null,
  };
}
