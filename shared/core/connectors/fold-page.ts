// Folding one page of the feed the way docs/api.md ("Folding the feed") tells hosts to: the last
// event per item wins, and a delete removes the item. One refinement: contentChanged is carried
// over from earlier upserts of the item in the page (since its last delete), so an edit followed by
// a rename in a later sync of the same page still uploads the new bytes.
import type { ChangeEvent } from '../domain/change-event.js';

export interface FoldedChange {
  /** The item's last event in the page. */
  event: ChangeEvent;
  /** Any upsert of the item in the page (since its last delete) changed the bytes. */
  contentChanged: boolean;
  /** The eventIds of the item's earlier events in the page (dropped by the fold, counted as applied). */
  foldedEventIds: string[];
}

export function itemKeyOf(event: Pick<ChangeEvent, 'sourceId' | 'itemId'>): string {
  return `${event.sourceId}\u0000${event.itemId}`;
}

export function foldPage(events: readonly ChangeEvent[]): FoldedChange[] {
  const byItem = new Map<string, FoldedChange>();
  for (const event of events) {
    const key = itemKeyOf(event);
    const before = byItem.get(key);
    const carried = before && before.event.op === 'upsert' && event.op === 'upsert' ? before.contentChanged : false;
    const foldedEventIds = before ? [...before.foldedEventIds, before.event.eventId] : [];
    // Delete and re-insert: the map's order is the order of each item's last event.
    byItem.delete(key);
    byItem.set(key, {
      event,
      contentChanged: event.op === 'upsert' && (event.contentChanged || carried),
      foldedEventIds,
    });
  }
  return [...byItem.values()];
}
