// The subscription repository port: one row per live subscription, found by its id (the webhook's
// one point read per notification). The row holds a digest of the shared secret, never the value.
// The Table Storage adapter is shared/adapters/azure-tables/subscription-store.ts.
import { z } from 'zod';

export const subscriptionRowSchema = z.object({
  subscriptionId: z.string().min(1),
  kbId: z.string().min(1),
  sourceId: z.string().min(1),
  /** Tenant whose notifications are accepted; absent when the app is multi-tenant (MS_TENANT_ID unset). */
  tenantId: z.string().min(1).optional(),
  clientStateSha256: z.string().regex(/^[0-9a-f]{64}$/),
  expirationDateTime: z.string(),
  resource: z.string().optional(),
  createdAt: z.string(),
  /** Last time maintenance renewed it (a renewal is also the check that it still exists). */
  checkedAt: z.string().optional(),
});
export type SubscriptionRow = z.infer<typeof subscriptionRowSchema>;

export interface SubscriptionRepository {
  /** The row, or undefined when there is none or it does not parse (it cannot vouch for anything). */
  get(subscriptionId: string): Promise<SubscriptionRow | undefined>;
  /** Creates or replaces. */
  put(row: SubscriptionRow): Promise<void>;
  /** Idempotent. */
  delete(subscriptionId: string): Promise<void>;
}
