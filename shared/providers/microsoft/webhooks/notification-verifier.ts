// Decides whether one notification is genuine: its subscription is ours, its clientState matches the
// stored digest (constant time), and its tenant is the one we subscribed in.
import { clientStateMatches } from './client-state.js';
import type { SubscriptionRow } from '../../../adapters/azure-tables/subscription-store.js';
import { notificationTenant } from './notification-payloads.js';

export type Verdict = 'valid' | 'unknown-subscription' | 'wrong-client-state' | 'wrong-tenant';

export function verifyNotification(
  notification: {
    clientState?: string | null;
    tenantId?: string | null;
    organizationId?: string | null;
  },
  row: SubscriptionRow | undefined,
): Verdict {
  if (!row) return 'unknown-subscription';
  if (!clientStateMatches(notification.clientState ?? undefined, row.clientStateSha256)) return 'wrong-client-state';
  // Checked after clientState so a forger learns nothing about the tenant from the answer (it is 202 anyway).
  if (row.tenantId !== undefined) {
    const claimed = notificationTenant(notification);
    if (claimed === undefined || claimed.toLowerCase() !== row.tenantId.toLowerCase()) return 'wrong-tenant';
  }
  return 'valid';
}
