// The change feed port: a knowledge base's events in one order, read by cursor. Cursors are opaque
// `<generation>.<sequence>` strings (feed/feed-cursor.ts); a read never returns an event after one
// still being written, and throws CursorNotInFeedError for a cursor the feed cannot continue from. The Table Storage adapter is shared/adapters/azure-tables/change-feed-store.ts.
import { z } from 'zod';
import { changeEventSchema, type ChangeEvent, type ChangeEventBody } from '../domain/change-event.js';

/** One page of the feed, as GET /api/kbs/{kbId}/changes answers it (the OpenAPI document shows this schema). */
export const feedPageSchema = z.object({
  events: z.array(changeEventSchema),
  nextCursor: z.string().describe('Store it after processing the page; ask again with after=nextCursor'),
  hasMore: z.boolean().describe('More events are already waiting'),
});
export type FeedPage = z.infer<typeof feedPageSchema>;

export interface ChangeFeed {
  /** Appends events in order; returns them with the cursors they got. */
  append(kbId: string, bodies: readonly ChangeEventBody[]): Promise<ChangeEvent[]>;
  /** Up to `limit` events after `afterCursor` (empty: from the start). */
  read(kbId: string, afterCursor: string, limit: number): Promise<FeedPage>;
  /** The cursor of the newest event a reader may see now ('' when nothing was ever appended). */
  head(kbId: string): Promise<string>;
  /** Removes one source's events (the source was deleted); returns how many. */
  deleteSourceEvents(kbId: string, sourceId: string): Promise<number>;
}
