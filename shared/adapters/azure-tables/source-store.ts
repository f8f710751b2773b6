// Sources live in the `sources` table: PartitionKey = kbId, RowKey = sourceId. Complex fields are
// stored as JSON strings (Table Storage has no nested values). Writes use ETags so two instances
// cannot overwrite each other's changes silently.
import type { TableClient } from '@azure/data-tables';
import { DEFAULT_CURSOR, type CursorState, type SourceKey, type SourceRecord } from '../../core/domain/source.js';
import { ConcurrentUpdateError, type SourceRepository, type StoredSource } from '../../core/ports/source-repository.js';
import { isRestError } from '../azure/rest-error.js';

const JSON_FIELDS = ['location', 'resolvedLocation', 'cursors', 'filters'] as const;

interface SourceEntity {
  partitionKey: string;
  rowKey: string;
  etag?: string;
  [field: string]: unknown;
}

function toEntity(record: SourceRecord): SourceEntity {
  const entity: SourceEntity = { partitionKey: record.kbId, rowKey: record.sourceId };
  for (const [key, value] of Object.entries(record)) {
    if (key === 'kbId' || key === 'sourceId' || value === undefined) continue;
    entity[key] = (JSON_FIELDS as readonly string[]).includes(key) ? JSON.stringify(value) : value;
  }
  return entity;
}

function fromEntity(entity: SourceEntity): SourceRecord {
  const out: Record<string, unknown> = { kbId: entity.partitionKey, sourceId: entity.rowKey };
  for (const [key, value] of Object.entries(entity)) {
    if (['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.etag'].includes(key)) continue;
    out[key] =
      (JSON_FIELDS as readonly string[]).includes(key) && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return upgradeLegacyRow(out) as unknown as SourceRecord;
}

/**
 * Rows written before locations and named cursors (every one a drive source) have `drive`, `scope`,
 * `driveId`, `driveType` and `scopeItemId` columns and one cursor (`cursor`, `cursorKind`,
 * `cursorUpdatedAt`, `resyncRunId`). They load as the drive provider's location and the default cursor;
 * the next write stores them in the new shape.
 */
function upgradeLegacyRow(row: Record<string, unknown>): Record<string, unknown> {
  if (row.location !== undefined) return row;
  const { drive, scope, driveId, driveType, scopeItemId, cursor, cursorKind, cursorUpdatedAt, resyncRunId, ...rest } =
    row;
  const parse = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
  const cursorState: CursorState = withoutUndefined({
    value: cursor as string | undefined,
    kind: cursorKind as CursorState['kind'],
    updatedAt: cursorUpdatedAt as string | undefined,
    resyncRunId: resyncRunId as string | undefined,
  });
  return {
    ...rest,
    location: { drive: parse(drive), scope: scope === undefined ? null : parse(scope) },
    resolvedLocation: withoutUndefined({ driveId, driveType, scopeItemId }),
    ...(Object.keys(cursorState).length > 0 ? { cursors: { [DEFAULT_CURSOR]: cursorState } } : {}),
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export class SourceStore implements SourceRepository {
  constructor(private readonly table: TableClient) {}

  async get(key: SourceKey): Promise<StoredSource | undefined> {
    try {
      const entity = await this.table.getEntity<SourceEntity>(key.kbId, key.sourceId);
      return { record: fromEntity(entity), etag: entity.etag };
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
  }

  async list(kbId: string): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    const escaped = kbId.replace(/'/g, "''");
    for await (const entity of this.table.listEntities<SourceEntity>({
      queryOptions: { filter: `PartitionKey eq '${escaped}'` },
    })) {
      out.push(fromEntity(entity));
    }
    return out;
  }

  /** Every source of every KB, page by page (the maintenance timer walks this). */
  async *listAll(): AsyncIterable<SourceRecord> {
    for await (const entity of this.table.listEntities<SourceEntity>()) yield fromEntity(entity);
  }

  /** Creates or replaces unconditionally (registration decides what to keep). */
  async put(record: SourceRecord): Promise<string> {
    const result = await this.table.upsertEntity(toEntity(record), 'Replace');
    return result.etag ?? '';
  }

  /** Replaces only if nobody changed it since `etag` was read; throws ConcurrentUpdateError otherwise. */
  async replace(record: SourceRecord, etag: string): Promise<string> {
    try {
      return (await this.table.updateEntity(toEntity(record), 'Replace', { etag })).etag ?? '';
    } catch (error) {
      if (isRestError(error, 412)) throw new ConcurrentUpdateError();
      throw error;
    }
  }

  /** Reads, applies `change`, writes back with the ETag; retries a few times on a concurrent change. */
  async update(
    key: SourceKey,
    change: (record: SourceRecord) => SourceRecord | undefined,
  ): Promise<SourceRecord | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.get(key);
      if (!stored) return undefined;
      const next = change(stored.record);
      if (!next) return stored.record;
      try {
        await this.replace({ ...next, updatedAt: new Date().toISOString() }, stored.etag);
        return next;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
      }
    }
    throw new ConcurrentUpdateError();
  }

  async delete(key: SourceKey): Promise<void> {
    try {
      await this.table.deleteEntity(key.kbId, key.sourceId);
    } catch (error) {
      if (!isRestError(error, 404)) throw error;
    }
  }
}
