// Rows keyed by source in the `leases` table (debounce state, maintenance marks): the row key, a read
// that answers undefined for a missing row, and an idempotent delete, shared so both stores key,
// read and remove rows the same way.
import type { TableClient, TableEntityResult } from '@azure/data-tables';
import type { SourceKey } from '../../core/domain/source.js';
import { isRestError } from '../azure/rest-error.js';
import { safeKey } from './table-keys.js';

export function perSourceRowKey(key: SourceKey): string {
  return safeKey(`${key.kbId}|${key.sourceId}`);
}

export async function readPerSourceRow(
  table: TableClient,
  partition: string,
  key: SourceKey,
): Promise<TableEntityResult<Record<string, unknown>> | undefined> {
  try {
    return await table.getEntity(partition, perSourceRowKey(key));
  } catch (error) {
    if (isRestError(error, 404)) return undefined;
    throw error;
  }
}

export async function deletePerSourceRow(table: TableClient, partition: string, key: SourceKey): Promise<void> {
  try {
    await table.deleteEntity(partition, perSourceRowKey(key));
  } catch (error) {
    if (!isRestError(error, 404)) throw error;
  }
}
