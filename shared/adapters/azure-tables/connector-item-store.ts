// A connector's item map (core/connectors) in the `connectoritems` table: one partition per
// knowledge base and connector type, one row per source item. Only the run holding the connector's
// lease writes it, so writes are plain upserts. The last failure is kept in flat columns, so a GET
// lists failures with a filter instead of reading the whole map.
import { odata, type TableClient } from '@azure/data-tables';
import { connectorItemSchema, type ConnectorItem } from '../../core/connectors/connector-record.js';
import type { ConnectorItemRepository } from '../../core/ports/connector-ports.js';
import { isRestError } from '../azure/rest-error.js';
import { safeKey } from './table-keys.js';

function partitionOf(kbId: string, type: string): string {
  return safeKey(`${kbId}|${type}`);
}

function rowOf(sourceId: string, itemId: string): string {
  return safeKey(`${sourceId}|${itemId}`);
}

function toRow(item: ConnectorItem): Record<string, unknown> {
  const { recentEventIds, failure, ...rest } = connectorItemSchema.parse(item);
  const row: Record<string, unknown> = { ...rest, recentEventIds: JSON.stringify(recentEventIds) };
  if (failure) {
    row.failureKind = failure.kind;
    row.failureStatus = failure.status;
    row.failureDetail = failure.detail.slice(0, 2_000);
    row.failureEventId = failure.eventId;
    row.failureAt = failure.at;
  }
  for (const key of Object.keys(row)) if (row[key] === undefined) delete row[key];
  return row;
}

function fromRow(entity: Record<string, unknown>): ConnectorItem {
  const failure =
    typeof entity.failureKind === 'string'
      ? {
          kind: entity.failureKind,
          status: entity.failureStatus ?? undefined,
          detail: entity.failureDetail ?? '',
          eventId: entity.failureEventId ?? '',
          at: entity.failureAt ?? '',
        }
      : undefined;
  return connectorItemSchema.parse({
    sourceId: entity.sourceId,
    itemId: entity.itemId,
    fileId: entity.fileId ?? undefined,
    name: entity.name ?? undefined,
    contentHash: entity.contentHash ?? undefined,
    pendingFileId: entity.pendingFileId ?? undefined,
    pendingEventId: entity.pendingEventId ?? undefined,
    recentEventIds: typeof entity.recentEventIds === 'string' ? (JSON.parse(entity.recentEventIds) as unknown) : [],
    deleted: entity.deleted ?? undefined,
    failure,
  });
}

export class ConnectorItemStore implements ConnectorItemRepository {
  constructor(private readonly table: TableClient) {}

  async get(kbId: string, type: string, sourceId: string, itemId: string): Promise<ConnectorItem | undefined> {
    try {
      const entity = await this.table.getEntity<Record<string, unknown>>(
        partitionOf(kbId, type),
        rowOf(sourceId, itemId),
      );
      return fromRow(entity);
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
  }

  async put(kbId: string, type: string, item: ConnectorItem): Promise<void> {
    // Replace: a cleared field (the pending upload, the failure) must disappear from the row.
    await this.table.upsertEntity(
      { partitionKey: partitionOf(kbId, type), rowKey: rowOf(item.sourceId, item.itemId), ...toRow(item) },
      'Replace',
    );
  }

  async listFailures(kbId: string, type: string, limit: number): Promise<ConnectorItem[]> {
    const out: ConnectorItem[] = [];
    const filter = odata`PartitionKey eq ${partitionOf(kbId, type)} and failureKind ge ''`;
    for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      out.push(fromRow(entity));
      if (out.length >= limit) break;
    }
    return out;
  }

  async deleteAll(kbId: string, type: string): Promise<number> {
    const partitionKey = partitionOf(kbId, type);
    const filter = odata`PartitionKey eq ${partitionKey}`;
    const rowKeys: string[] = [];
    for await (const entity of this.table.listEntities<{ rowKey: string }>({
      queryOptions: { filter, select: ['RowKey'] },
    })) {
      rowKeys.push(entity.rowKey);
    }
    for (let i = 0; i < rowKeys.length; i += 100) {
      const batch = rowKeys
        .slice(i, i + 100)
        .map((rowKey) => ['delete', { partitionKey, rowKey }] as ['delete', { partitionKey: string; rowKey: string }]);
      try {
        await this.table.submitTransaction(batch);
      } catch (error) {
        if (!isRestError(error, 404)) throw error;
        // One row went meanwhile: delete the rest one by one.
        for (const [, { rowKey }] of batch) {
          await this.table.deleteEntity(partitionKey, rowKey).catch((e: unknown) => {
            if (!isRestError(e, 404)) throw e;
          });
        }
      }
    }
    return rowKeys.length;
  }
}
