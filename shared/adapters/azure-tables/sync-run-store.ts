// The sync history in Table Storage (core/ports/sync-run-log.ts): table `syncruns`, one partition per
// source, row keys that sort the newest first (inverted end time, then a random suffix so two runs
// ending in the same millisecond both stay). Each append trims the partition to `keep` runs, so the
// history never grows: reading keep + a few rows and deleting the extra ones is the whole cost.
import { odata, type TableClient } from '@azure/data-tables';
import type { SourceKey } from '../../core/domain/source.js';
import { syncRunSchema, type SyncRun, type SyncRunLog } from '../../core/ports/sync-run-log.js';
import { isRestError } from '../azure/rest-error.js';
import { newestFirstRowKey } from './newest-first-rows.js';
import { perSourceRowKey } from './per-source-row.js';

const TRIM_SLACK = 20;

export class TableSyncRunLog implements SyncRunLog {
  constructor(
    private readonly table: TableClient,
    private readonly keep: number,
  ) {}

  async append(key: SourceKey, run: SyncRun): Promise<void> {
    const partitionKey = perSourceRowKey(key);
    await this.table.createEntity({
      partitionKey,
      rowKey: newestFirstRowKey(Date.parse(run.endedAt)),
      run: JSON.stringify(run),
    });
    const newest = await this.page(partitionKey, this.keep + TRIM_SLACK);
    await Promise.all(newest.slice(this.keep).map((row) => this.deleteRow(partitionKey, row.rowKey)));
  }

  async list(key: SourceKey, limit: number): Promise<SyncRun[]> {
    const rows = await this.page(perSourceRowKey(key), Math.min(limit, this.keep));
    return rows.flatMap((row) => {
      const parsed = syncRunSchema.safeParse(JSON.parse(row.run));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async deleteAll(key: SourceKey): Promise<void> {
    const partitionKey = perSourceRowKey(key);
    for (;;) {
      const rows = await this.page(partitionKey, 100);
      if (rows.length === 0) return;
      await Promise.all(rows.map((row) => this.deleteRow(partitionKey, row.rowKey)));
    }
  }

  /** The first `size` rows of a partition, in row-key order (the newest first). */
  private async page(partitionKey: string, size: number): Promise<Array<{ rowKey: string; run: string }>> {
    const pages = this.table
      .listEntities<{ run: string }>({
        queryOptions: { filter: odata`PartitionKey eq ${partitionKey}`, select: ['RowKey', 'run'] },
      })
      .byPage({ maxPageSize: size });
    for await (const page of pages) {
      return page.slice(0, size).map((row) => ({ rowKey: row.rowKey!, run: row.run }));
    }
    return [];
  }

  private async deleteRow(partitionKey: string, rowKey: string): Promise<void> {
    try {
      await this.table.deleteEntity(partitionKey, rowKey);
    } catch (error) {
      if (!isRestError(error, 404)) throw error;
    }
  }
}
