// Rows keyed by source in the `leases` table (debounce state, maintenance marks): the row key and an
// idempotent delete, shared so both stores key and remove rows the same way.
import type { TableClient } from '@azure/data-tables';
import type { SourceKey } from '../../core/domain/source.js';
import { isRestError } from '../azure/rest-error.js';
import { safeKey } from './table-keys.js';

export function perSourceRowKey(key: SourceKey): string {
  return safeKey(`${key.kbId}|${key.sourceId}`);
}

export async function deletePerSourceRow(table: TableClient, partition: string, key: SourceKey): Promise<void> {
  try {
    await table.deleteEntity(partition, perSourceRowKey(key));
  } catch (error) {
    if (!isRestError(error, 404)) throw error;
  }
}
