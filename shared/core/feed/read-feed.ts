// GET /api/kbs/{kbId}/changes?after={cursor}&limit={n}: one page of a knowledge base's change feed.
// The cursor is the opaque `nextCursor` (or an event's `cursor`) the host processed last
// (feed-cursor.ts); the store only returns events below its watermark, so a page never skips an
// event still being written (change-feed-store.ts). A cursor the feed cannot continue from (another
// generation, or beyond the newest event) is answered with what the host needs to restart. A KB is
// known while it has at least one source.
import { z } from 'zod';
import type { ChangeFeed, FeedPage } from '../ports/change-feed.js';
import type { SourceRepository } from '../ports/source-repository.js';
import { CursorNotInFeedError, parseFeedCursor, type CursorConflict } from './feed-cursor.js';

export const DEFAULT_FEED_LIMIT = 100;
export const MAX_FEED_LIMIT = 1000;

export const feedQuerySchema = z.object({
  after: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (parseFeedCursor(value) === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a cursor from this feed (a nextCursor or an event cursor)' });
        return z.NEVER;
      }
      return value ?? '';
    }),
  limit: z.coerce.number().int().min(1).max(MAX_FEED_LIMIT).default(DEFAULT_FEED_LIMIT),
});
export type FeedQuery = z.output<typeof feedQuerySchema>;

export interface ReadFeedDependencies {
  sources: Pick<SourceRepository, 'list'>;
  feed: Pick<ChangeFeed, 'read'>;
}

export type ReadFeedResult =
  | { kind: 'page'; page: FeedPage }
  | { kind: 'unknown_kb' }
  | { kind: 'cursor_not_in_feed'; reason: CursorConflict; generation: string | undefined; headCursor: string };

export async function readFeed(deps: ReadFeedDependencies, kbId: string, query: FeedQuery): Promise<ReadFeedResult> {
  if ((await deps.sources.list(kbId)).length === 0) return { kind: 'unknown_kb' };
  try {
    return { kind: 'page', page: await deps.feed.read(kbId, query.after, query.limit) };
  } catch (error) {
    if (!(error instanceof CursorNotInFeedError)) throw error;
    return {
      kind: 'cursor_not_in_feed',
      reason: error.reason,
      generation: error.generation,
      headCursor: error.headCursor,
    };
  }
}
