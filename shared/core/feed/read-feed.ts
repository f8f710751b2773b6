// GET /api/kbs/{kbId}/changes?after={cursor}&limit={n}: one page of a knowledge base's change feed.
// The cursor is the decimal sequence number of the last event the host processed; the store only
// returns events below its watermark, so a page never skips an event still being written
// (ports/change-feed.ts). A KB is known while it has at least one source.
import { z } from 'zod';
import type { ChangeFeed, FeedPage } from '../ports/change-feed.js';
import type { SourceRepository } from '../ports/source-repository.js';
import { parseCursor } from './feed-cursor.js';

export const DEFAULT_FEED_LIMIT = 100;
export const MAX_FEED_LIMIT = 1000;

export const feedQuerySchema = z.object({
  after: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const parsed = parseCursor(value);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a cursor from this feed (a decimal number)' });
        return z.NEVER;
      }
      return parsed;
    }),
  limit: z.coerce.number().int().min(1).max(MAX_FEED_LIMIT).default(DEFAULT_FEED_LIMIT),
});
export type FeedQuery = z.output<typeof feedQuerySchema>;

export interface ReadFeedDependencies {
  sources: Pick<SourceRepository, 'list'>;
  feed: Pick<ChangeFeed, 'read'>;
}

export async function readFeed(
  deps: ReadFeedDependencies,
  kbId: string,
  query: FeedQuery,
): Promise<{ kind: 'page'; page: FeedPage } | { kind: 'unknown_kb' }> {
  if ((await deps.sources.list(kbId)).length === 0) return { kind: 'unknown_kb' };
  return { kind: 'page', page: await deps.feed.read(kbId, query.after, query.limit) };
}
