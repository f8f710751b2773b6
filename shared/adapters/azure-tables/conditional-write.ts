// Compare-and-swap writes of one small row (the coalescers' debounce rows, the hook rows): create when
// absent, replace when still at the ETag read, false when someone else wrote first. Replace drops the
// properties left out, which is how an optional field is cleared. And the idempotent delete of one row.
import type { TableClient } from '@azure/data-tables';
import { isRestError } from '../azure/rest-error.js';

export async function writeIfUnchanged(
  table: TableClient,
  keys: { partitionKey: string; rowKey: string },
  fields: Readonly<Record<string, unknown>>,
  etag: string | undefined,
): Promise<boolean> {
  const entity: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) if (value !== undefined) entity[field] = value;
  const row = { ...entity, partitionKey: keys.partitionKey, rowKey: keys.rowKey };
  try {
    if (etag === undefined) await table.createEntity(row);
    else await table.updateEntity(row, 'Replace', { etag });
    return true;
  } catch (error) {
    if (isRestError(error, 409) || isRestError(error, 412) || isRestError(error, 404)) return false;
    throw error;
  }
}

/** Deletes one row; a row already gone is not an error. */
export async function deleteRowIfPresent(table: TableClient, partitionKey: string, rowKey: string): Promise<void> {
  try {
    await table.deleteEntity(partitionKey, rowKey);
  } catch (error) {
    if (!isRestError(error, 404)) throw error;
  }
}
