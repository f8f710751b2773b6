// The credential audit log in Table Storage (core/ports/credential-audit.ts): table `audit`, one
// partition per source, row keys that sort the newest first. Rows are only ever inserted (never
// updated); each append also deletes up to a page of rows older than the retention, so the log
// keeps AUDIT_RETENTION_DAYS and needs no sweeper.
import { odata, type TableClient } from '@azure/data-tables';
import type { SourceKey } from '../../core/domain/source.js';
import { auditEntrySchema, type AuditEntry, type CredentialAudit } from '../../core/ports/credential-audit.js';
import { isRestError } from '../azure/rest-error.js';
import { invertedTime, newestFirstRowKey } from './newest-first-rows.js';
import { perSourceRowKey } from './per-source-row.js';

export class TableCredentialAudit implements CredentialAudit {
  constructor(
    private readonly table: TableClient,
    private readonly retentionMs: number,
  ) {}

  async append(key: SourceKey, entry: AuditEntry): Promise<void> {
    const partitionKey = perSourceRowKey(key);
    const at = Date.parse(entry.at);
    await this.table.createEntity({
      partitionKey,
      rowKey: newestFirstRowKey(at),
      entry: JSON.stringify(auditEntrySchema.parse(entry)),
    });
    // Older than the retention: row keys above the inverted cut-off.
    const cutOff = invertedTime(at - this.retentionMs);
    const old = this.table
      .listEntities({
        queryOptions: { filter: odata`PartitionKey eq ${partitionKey} and RowKey gt ${cutOff}`, select: ['RowKey'] },
      })
      .byPage({ maxPageSize: 100 });
    for await (const page of old) {
      await Promise.all(page.map((row) => this.deleteRow(partitionKey, row.rowKey!)));
      break;
    }
  }

  async list(key: SourceKey, limit: number): Promise<AuditEntry[]> {
    const pages = this.table
      .listEntities<{ entry: string }>({
        queryOptions: { filter: odata`PartitionKey eq ${perSourceRowKey(key)}`, select: ['entry'] },
      })
      .byPage({ maxPageSize: limit });
    for await (const page of pages) {
      return page.slice(0, limit).flatMap((row) => {
        const parsed = auditEntrySchema.safeParse(JSON.parse(row.entry));
        return parsed.success ? [parsed.data] : [];
      });
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
