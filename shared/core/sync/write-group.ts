// Pages applied but not yet written. Writing every page on its own makes many small table batches
// (a 200-item page spread over 16 item partitions is ~12 rows per batch), so the syncer gathers
// pages up to a size and writes them together, then moves the cursor past all of them. Until then
// this group is the newest truth: look-ups of item state read through it.
//
// A group keeps one event per item, its last (in the position of that last change): the applier
// makes the last event of a round carry every content change of the round, so the earlier ones add
// nothing a host needs (docs/api.md, folding the feed).
import type { ChangeEventBody } from '../domain/change-event.js';
import type { ItemState } from '../domain/item-state.js';
import type { PageOutcome } from './change-applier.js';

export interface StoredItems {
  getMany(ids: readonly string[]): Promise<Map<string, ItemState>>;
  childrenOf(parentIds: readonly string[]): Promise<ItemState[]>;
}

export class WriteGroup {
  /** Item id → its newest event; re-inserted on each change, so the order is that of the last changes. */
  private readonly eventByItem = new Map<string, ChangeEventBody>();
  /** Row id → newest row, or null when the row is to be removed. */
  readonly rows = new Map<string, ItemState | null>();
  staged: ItemState[] = [];
  newlyIncluded = 0;

  get size(): number {
    return this.rows.size + this.eventByItem.size;
  }

  get events(): ChangeEventBody[] {
    return [...this.eventByItem.values()];
  }

  add(outcome: PageOutcome): void {
    for (const event of outcome.events) {
      this.eventByItem.delete(event.itemId);
      this.eventByItem.set(event.itemId, event);
    }
    for (const row of outcome.writes) this.rows.set(row.id, row);
    for (const id of outcome.removals) this.rows.set(id, null);
    this.staged.push(...outcome.staged);
    this.newlyIncluded += outcome.newlyIncluded;
  }

  writes(): ItemState[] {
    return [...this.rows.values()].filter((row): row is ItemState => row !== null);
  }

  removals(): string[] {
    return [...this.rows.entries()].filter(([, row]) => row === null).map(([id]) => id);
  }

  async getMany(store: StoredItems, ids: readonly string[]): Promise<Map<string, ItemState>> {
    const found = new Map<string, ItemState>();
    const missing: string[] = [];
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row) found.set(id, row);
      else if (row === undefined) missing.push(id);
    }
    if (missing.length > 0) for (const [id, row] of await store.getMany(missing)) found.set(id, row);
    return found;
  }

  /** Breadth-first descendants from the store, corrected by the rows of this group. */
  async descendantsOf(store: StoredItems, folderId: string): Promise<ItemState[]> {
    const out: ItemState[] = [];
    let level = new Set([folderId]);
    while (level.size > 0) {
      const children = new Map<string, ItemState>();
      for (const stored of await store.childrenOf([...level])) {
        const newest = this.rows.has(stored.id) ? this.rows.get(stored.id) : stored;
        if (newest && newest.parentId && level.has(newest.parentId)) children.set(newest.id, newest);
      }
      for (const [id, row] of this.rows) {
        if (row?.parentId && level.has(row.parentId) && !children.has(id)) children.set(id, row);
      }
      out.push(...children.values());
      level = new Set([...children.values()].filter((child) => child.isFolder).map((child) => child.id));
    }
    return out;
  }
}
