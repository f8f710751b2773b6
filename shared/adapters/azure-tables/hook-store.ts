// The hook rows (core/hooks), one per knowledge base in the `hooks` table, written with ETag
// compare-and-swap (ports/hook-ports.ts). The signing secret is never in the row.
import type { TableClient } from '@azure/data-tables';
import { hookRecordSchema, type HookRecord } from '../../core/hooks/hook-record.js';
import type { HookRepository, StoredHook } from '../../core/ports/hook-ports.js';
import { isRestError } from '../azure/rest-error.js';
import { deleteRowIfPresent, writeIfUnchanged } from './conditional-write.js';
import { safeKey } from './table-keys.js';

const ROW_KEY = 'hook';

export class HookStore implements HookRepository {
  constructor(private readonly table: TableClient) {}

  async get(kbId: string): Promise<StoredHook | undefined> {
    let entity;
    try {
      entity = await this.table.getEntity<Record<string, unknown>>(safeKey(kbId), ROW_KEY);
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
    return { record: hookRecordSchema.parse(entity), etag: entity.etag };
  }

  async write(record: HookRecord, etag: string | undefined): Promise<boolean> {
    const keys = { partitionKey: safeKey(record.kbId), rowKey: ROW_KEY };
    return writeIfUnchanged(this.table, keys, hookRecordSchema.parse(record), etag);
  }

  async delete(kbId: string): Promise<void> {
    await deleteRowIfPresent(this.table, safeKey(kbId), ROW_KEY);
  }
}
