// The item repository port: the engine's last known state of each item of a source (what it compares
// a page of changes with). The Table Storage adapter is shared/adapters/azure-tables/item-store.ts.
import type { ItemState } from '../domain/item-state.js';
import type { SourceKey } from '../domain/source.js';

/** A boolean field of ItemState the engine looks items up by: left pending, or a held delete. */
export type ItemFlag = 'pending' | 'deleteHeld';

export interface ItemRepository {
  get(source: SourceKey, itemId: string): Promise<ItemState | undefined>;
  /** The items of `itemIds` that exist, by id. */
  getMany(source: SourceKey, itemIds: readonly string[]): Promise<Map<string, ItemState>>;
  /** Upserts (whole rows) and deletes; deleting a row that is already gone is not an error. */
  write(source: SourceKey, upserts: readonly ItemState[], deletes?: readonly string[]): Promise<void>;
  /** Items whose parent is one of `parentIds` (one level). */
  childrenOf(source: SourceKey, parentIds: readonly string[]): Promise<ItemState[]>;
  /** Every item of the source, or only those whose `flag` is true. */
  list(source: SourceKey, flag?: ItemFlag): Promise<ItemState[]>;
  deleteAll(source: SourceKey): Promise<void>;
}
