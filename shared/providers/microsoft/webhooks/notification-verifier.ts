// Decides whether one notification is genuine: its subscription is ours, its clientState (the watch
// secret) matches the stored digest (constant time), and its tenant is the one we subscribed in.
import { watchSecretMatches } from '../../../core/watch/watch-secret.js';
import type { WatchRecord } from '../../../adapters/azure-tables/subscription-store.js';
import { notificationTenant } from './notification-payloads.js';

export type Verdict = 'valid' | 'unknown-subscription' | 'wrong-client-state' | 'wrong-tenant';

export function verifyNotification(
  notification: {
    clientState?: string | null;
    tenantId?: string | null;
    organizationId?: string | null;
  },
  row: WatchRecord | undefined,
): Verdict {
  if (!row) return 'unknown-subscription';
  if (!watchSecretMatches(notification.clientState ?? undefined, row.secretSha256)) return 'wrong-client-state';
  // Checked after clientState so a forger learns nothing about the tenant from the answer (it is 202 anyway).
  // The watch's issuer is the tenant the subscription was pinned to (drive-watch.ts).
  if (row.issuer !== undefined) {
    const claimed = notificationTenant(notification);
    if (claimed === undefined || claimed.toLowerCase() !== row.issuer.toLowerCase()) return 'wrong-tenant';
  }
  return 'valid';
}
