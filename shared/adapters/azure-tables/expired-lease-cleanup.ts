// Leases expire by themselves (table-lease.ts: an expired lease can be taken over), but a source that
// is never synced again leaves its row behind. Maintenance deletes rows that expired long ago, a
// bounded number per run, each with its ETag so a lease just taken over is never deleted.
import { odata, type TableClient } from '@azure/data-tables';
import { isRestError } from '../azure/rest-error.js';

export interface LeaseCleanupOptions {
  /** Only rows expired at least this long ago. */
  olderThanMs?: number;
  maxDeletes?: number;
  now?: () => number;
}

export async function deleteExpiredLeases(table: TableClient, options: LeaseCleanupOptions = {}): Promise<number> {
  const cutoff = (options.now ?? Date.now)() - (options.olderThanMs ?? 3_600_000);
  const maxDeletes = options.maxDeletes ?? 1_000;
  let deleted = 0;
  // Only lease rows carry expiresAtMs; the debounce and maintenance rows in the same table do not.
  const entities = table.listEntities<{ expiresAtMs: number }>({
    queryOptions: { filter: odata`expiresAtMs lt ${cutoff}`, select: ['PartitionKey', 'RowKey'] },
  });
  for await (const entity of entities) {
    if (deleted >= maxDeletes) break;
    if (entity.partitionKey === undefined || entity.rowKey === undefined) continue;
    try {
      await table.deleteEntity(entity.partitionKey, entity.rowKey, { etag: entity.etag });
      deleted += 1;
    } catch (error) {
      if (!isRestError(error, 404) && !isRestError(error, 412)) throw error;
    }
  }
  return deleted;
}
