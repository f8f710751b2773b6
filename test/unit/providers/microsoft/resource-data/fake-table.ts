// The three TableClient methods the local key ring calls, in memory, answering 404/409/412 as Table
// Storage does (statusCode on the error, as rest-error.ts reads it). Azurite would do, but these are
// unit tests; the sealing itself is the real local-token-cipher.
import type { TableClient } from '@azure/data-tables';
import type { LocalKeyRingTable } from '../../../../../shared/adapters/azure-tables/local-notification-key-ring.js';

/** Compiles only while a real TableClient is what the key ring asks for. */
export const tableClientFits = (client: TableClient): LocalKeyRingTable => client;

type Row = Parameters<LocalKeyRingTable['createEntity']>[0];

export interface FakeTable extends LocalKeyRingTable {
  rows: Map<string, Record<string, unknown>>;
  /** 'Merge' too, for LocalTokenStore.reencryptWithCurrentKey. */
  updateEntity(entity: Row, mode: 'Replace' | 'Merge', options: { etag: string }): Promise<unknown>;
  /** What LocalTokenStore.reencryptWithCurrentKey reads. */
  listEntities(): AsyncIterable<Record<string, unknown>>;
}

const failure = (statusCode: number) => Object.assign(new Error(`status ${statusCode}`), { statusCode });

export function fakeTable(): FakeTable {
  const rows = new Map<string, Record<string, unknown>>();
  let version = 0;
  const keyOf = (entity: { partitionKey: string; rowKey: string }) => `${entity.partitionKey}|${entity.rowKey}`;
  return {
    rows,
    async *listEntities() {
      for (const row of [...rows.values()]) yield { ...row };
      await Promise.resolve();
    },
    getEntity(partitionKey, rowKey) {
      const row = rows.get(`${partitionKey}|${rowKey}`);
      return row ? Promise.resolve({ ...row }) : Promise.reject(failure(404));
    },
    createEntity(entity) {
      if (rows.has(keyOf(entity))) return Promise.reject(failure(409));
      rows.set(keyOf(entity), { ...entity, etag: `W/"${++version}"` });
      return Promise.resolve({});
    },
    updateEntity(entity, mode, options) {
      const row = rows.get(keyOf(entity));
      if (!row) return Promise.reject(failure(404));
      if (options?.etag !== undefined && options.etag !== row.etag) return Promise.reject(failure(412));
      rows.set(keyOf(entity), { ...(mode === 'Merge' ? row : {}), ...entity, etag: `W/"${++version}"` });
      return Promise.resolve({});
    },
  };
}
