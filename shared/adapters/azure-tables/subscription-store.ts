// Subscriptions in the `subscriptions` table: PartitionKey = subscription id, so the webhook path
// finds a notification's subscription with one point read. The row holds the digest of clientState,
// never the value (client-state.ts).
import type { TableClient } from '@azure/data-tables';
import {
  subscriptionRowSchema,
  type SubscriptionRepository,
  type SubscriptionRow,
} from '../../core/ports/subscription-repository.js';
import { isRestError, safeKey } from './table-keys.js';

// Re-exported for the webhook code that reads rows through this store.
export type { SubscriptionRow };

const ROW_KEY = 'subscription';

export class SubscriptionStore implements SubscriptionRepository {
  /** `changed` runs after each write or delete of a row (the webhook's cache forgets that id). */
  constructor(
    private readonly table: TableClient,
    private readonly changed: (subscriptionId: string) => void = () => undefined,
  ) {}

  async get(subscriptionId: string): Promise<SubscriptionRow | undefined> {
    try {
      const entity = await this.table.getEntity(safeKey(subscriptionId), ROW_KEY);
      const parsed = subscriptionRowSchema.safeParse(entity);
      // A row that does not parse cannot vouch for anything: treat the subscription as unknown.
      return parsed.success ? parsed.data : undefined;
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
  }

  async put(row: SubscriptionRow): Promise<void> {
    await this.table.upsertEntity(
      { partitionKey: safeKey(row.subscriptionId), rowKey: ROW_KEY, ...subscriptionRowSchema.parse(row) },
      'Replace',
    );
    this.changed(row.subscriptionId);
  }

  async delete(subscriptionId: string): Promise<void> {
    try {
      await this.table.deleteEntity(safeKey(subscriptionId), ROW_KEY);
    } catch (error) {
      if (!isRestError(error, 404)) throw error;
    }
    this.changed(subscriptionId);
  }
}
