// Watches in the `subscriptions` table: PartitionKey = watch id, so the webhook path finds a
// notification's watch with one point read. The row holds the digest of the watch's secret, never the
// value (core/watch/watch-secret.ts). The columns keep the names the first (Microsoft Graph) rows were
// written with, so rows of live subscriptions keep verifying their notifications; this file maps them
// to the neutral `WatchRecord` and back.
import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import type { WatchRecord, WatchRepository } from '../../core/ports/watch-repository.js';
import { isRestError } from '../azure/rest-error.js';
import { safeKey } from './table-keys.js';

// Re-exported for the webhook code that reads watches through this store.
export type { WatchRecord };

const ROW_KEY = 'subscription';

const subscriptionRowSchema = z.object({
  subscriptionId: z.string().min(1),
  kbId: z.string().min(1),
  sourceId: z.string().min(1),
  /** The sender the watch's notifications must name (Microsoft: the tenant); absent accepts any. */
  tenantId: z.string().min(1).optional(),
  clientStateSha256: z.string().regex(/^[0-9a-f]{64}$/),
  expirationDateTime: z.string(),
  resource: z.string().optional(),
  createdAt: z.string(),
  checkedAt: z.string().optional(),
});

export class SubscriptionStore implements WatchRepository {
  /** `changed` runs after each write or delete of a row (the webhook's cache forgets that id). */
  constructor(
    private readonly table: TableClient,
    private readonly changed: (watchId: string) => void = () => undefined,
  ) {}

  async get(watchId: string): Promise<WatchRecord | undefined> {
    try {
      const entity = await this.table.getEntity(safeKey(watchId), ROW_KEY);
      const parsed = subscriptionRowSchema.safeParse(entity);
      // A row that does not parse cannot vouch for anything: treat the watch as unknown.
      return parsed.success ? fromRow(parsed.data) : undefined;
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
  }

  async put(record: WatchRecord): Promise<void> {
    await this.table.upsertEntity(
      { partitionKey: safeKey(record.watchId), rowKey: ROW_KEY, ...subscriptionRowSchema.parse(toRow(record)) },
      'Replace',
    );
    this.changed(record.watchId);
  }

  async delete(watchId: string): Promise<void> {
    try {
      await this.table.deleteEntity(safeKey(watchId), ROW_KEY);
    } catch (error) {
      if (!isRestError(error, 404)) throw error;
    }
    this.changed(watchId);
  }
}

type SubscriptionRow = z.infer<typeof subscriptionRowSchema>;

function fromRow(row: SubscriptionRow): WatchRecord {
  const { subscriptionId, tenantId, clientStateSha256, expirationDateTime, ...rest } = row;
  return {
    ...rest,
    watchId: subscriptionId,
    issuer: tenantId,
    secretSha256: clientStateSha256,
    expiresAt: expirationDateTime,
  };
}

function toRow(record: WatchRecord): SubscriptionRow {
  const { watchId, issuer, secretSha256, expiresAt, ...rest } = record;
  return {
    ...rest,
    subscriptionId: watchId,
    tenantId: issuer,
    clientStateSha256: secretSha256,
    expirationDateTime: expiresAt,
  };
}
