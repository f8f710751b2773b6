// Item state in the `items` table. A source's items are spread over SHARDS partitions by a hash of
// the item id: Table Storage (and Azurite even more) slows down as one partition grows, and Azure
// serves about 2,000 entities/s per partition, so one partition per source would cap a crawl.
// Point reads stay cheap because the shard is computed from the id.
import { createHash } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { SourceKey } from '../../core/domain/source.js';
import { isRestError } from '../azure/rest-error.js';
import { safeKey } from './table-keys.js';
import type { ItemState } from '../../core/domain/item-state.js';
import type { ItemFlag, ItemRepository } from '../../core/ports/item-repository.js';

export const SHARDS = 64;
const BATCH_LIMIT = 100; // entity group transactions take at most 100 operations
const PARALLEL_BATCHES = 16;
const OR_TERMS_PER_QUERY = 15;

interface ItemEntity {
  partitionKey: string;
  rowKey: string;
  [field: string]: unknown;
}

function shardOf(itemId: string): number {
  return createHash('md5').update(itemId).digest().readUInt16BE(0) % SHARDS;
}

function partitionOf(source: SourceKey, shard: number): string {
  return safeKey(`${source.kbId}|${source.sourceId}|${shard.toString().padStart(2, '0')}`);
}

/** Nested fields, stored as JSON strings (Table Storage has no nested values). */
const JSON_FIELDS: readonly string[] = ['contentHash', 'contentVersion', 'message'];

function toEntity(source: SourceKey, item: ItemState): ItemEntity {
  const entity: ItemEntity = { partitionKey: partitionOf(source, shardOf(item.id)), rowKey: safeKey(item.id) };
  for (const [key, value] of Object.entries(item)) {
    if (value !== undefined) entity[key] = JSON_FIELDS.includes(key) ? JSON.stringify(value) : value;
  }
  return entity;
}

function fromEntity(entity: ItemEntity): ItemState {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) {
    if (['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.etag'].includes(key)) continue;
    out[key] = JSON_FIELDS.includes(key) && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return upgradeLegacyRow(out) as unknown as ItemState;
}

/**
 * Rows written before content hashes were neutral (all drive files) have `quickXorHash`, `sha1Hash` and
 * `cTag` columns: they load as the drive provider's content hash and version (drive-item-mapping.ts).
 */
function upgradeLegacyRow(row: Record<string, unknown>): Record<string, unknown> {
  const { quickXorHash, sha1Hash, cTag, ...rest } = row;
  if (quickXorHash === undefined && sha1Hash === undefined && cTag === undefined) return row;
  const version: Record<string, string> = {};
  if (typeof sha1Hash === 'string') version.sha1Hash = sha1Hash;
  if (typeof cTag === 'string') version.cTag = cTag;
  return {
    ...rest,
    ...(typeof quickXorHash === 'string' ? { contentHash: { algorithm: 'quickXorHash', value: quickXorHash } } : {}),
    ...(Object.keys(version).length > 0 ? { contentVersion: version } : {}),
  };
}

function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

async function inParallel<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  });
  await Promise.all(workers);
  return results;
}

export class ItemStore implements ItemRepository {
  constructor(private readonly table: TableClient) {}

  async get(source: SourceKey, itemId: string): Promise<ItemState | undefined> {
    try {
      return fromEntity(await this.table.getEntity<ItemEntity>(partitionOf(source, shardOf(itemId)), safeKey(itemId)));
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
  }

  async getMany(source: SourceKey, itemIds: readonly string[]): Promise<Map<string, ItemState>> {
    const found = new Map<string, ItemState>();
    await inParallel(
      itemIds.map((id) => async () => {
        const item = await this.get(source, id);
        if (item) found.set(id, item);
      }),
      PARALLEL_BATCHES * 2,
    );
    return found;
  }

  /** Upserts (replace) and deletes, batched per partition. */
  async write(source: SourceKey, upserts: readonly ItemState[], deletes: readonly string[] = []): Promise<void> {
    const byPartition = new Map<string, TransactionAction[]>();
    const add = (partition: string, action: TransactionAction) => {
      const list = byPartition.get(partition) ?? [];
      list.push(action);
      byPartition.set(partition, list);
    };
    const deleted = new Set(deletes);
    for (const item of upserts) {
      if (deleted.has(item.id)) continue;
      const entity = toEntity(source, item);
      add(entity.partitionKey, ['upsert', entity, 'Replace']);
    }
    for (const id of deleted) {
      add(partitionOf(source, shardOf(id)), [
        'delete',
        { partitionKey: partitionOf(source, shardOf(id)), rowKey: safeKey(id) },
      ]);
    }
    const tasks: Array<() => Promise<void>> = [];
    for (const actions of byPartition.values()) {
      for (let i = 0; i < actions.length; i += BATCH_LIMIT) {
        const chunk = actions.slice(i, i + BATCH_LIMIT);
        tasks.push(() => this.submit(chunk));
      }
    }
    await inParallel(tasks, PARALLEL_BATCHES);
  }

  private async submit(actions: TransactionAction[]): Promise<void> {
    try {
      await this.table.submitTransaction(actions);
    } catch (error) {
      // A delete of a row that is already gone fails the whole batch: replay without the deletes
      // that point at missing rows (replays after a crash do this).
      if (!isRestError(error, 404)) throw error;
      for (const action of actions) {
        try {
          await this.table.submitTransaction([action]);
        } catch (single) {
          if (!isRestError(single, 404)) throw single;
        }
      }
    }
  }

  /** Items whose parent is one of `parentIds` (one level). */
  async childrenOf(source: SourceKey, parentIds: readonly string[]): Promise<ItemState[]> {
    const out: ItemState[] = [];
    for (let i = 0; i < parentIds.length; i += OR_TERMS_PER_QUERY) {
      const terms = parentIds.slice(i, i + OR_TERMS_PER_QUERY).map((id) => `parentId eq ${quote(id)}`);
      out.push(...(await this.query(source, `(${terms.join(' or ')})`)));
    }
    return out;
  }

  /** Every item below `folderId`, breadth-first, from our own tree. */
  async descendantsOf(source: SourceKey, folderId: string): Promise<ItemState[]> {
    const out: ItemState[] = [];
    let level = [folderId];
    while (level.length > 0) {
      const children = await this.childrenOf(source, level);
      out.push(...children);
      level = children.filter((child) => child.isFolder).map((child) => child.id);
    }
    return out;
  }

  /** Every item of the source, or those whose `flag` is true (used at resume, reconcile and release). */
  list(source: SourceKey, flag?: ItemFlag): Promise<ItemState[]> {
    return this.query(source, flag ? `${flag} eq true` : undefined);
  }

  /** A scan of the source's items with an OData filter. */
  async query(source: SourceKey, filter?: string): Promise<ItemState[]> {
    const perShard = await inParallel(
      Array.from({ length: SHARDS }, (_, shard) => async () => {
        const items: ItemState[] = [];
        const partitionFilter = `PartitionKey eq ${quote(partitionOf(source, shard))}`;
        for await (const entity of this.table.listEntities<ItemEntity>({
          queryOptions: { filter: filter ? `${partitionFilter} and ${filter}` : partitionFilter },
        })) {
          items.push(fromEntity(entity));
        }
        return items;
      }),
      PARALLEL_BATCHES,
    );
    return perShard.flat();
  }

  async deleteAll(source: SourceKey): Promise<void> {
    const all = await this.query(source);
    await this.write(
      source,
      [],
      all.map((item) => item.id),
    );
  }
}
