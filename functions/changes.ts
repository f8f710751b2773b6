import { useCases } from '../shared/app/composition-root.js';
import { feedQuerySchema } from '../shared/core/feed/read-feed.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { parseQuery, parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

/** The problem `type` of a cursor the feed cannot continue from (docs/api.md, "When the feed was reset"). */
export const CURSOR_NOT_IN_FEED = 'urn:kb-sync:problem:cursor-not-in-feed';

const RESTART =
  'Re-read from your last cursor of the current generation that is not beyond headCursor, or from the start (after empty); drop events whose eventId you already applied.';

// The KB's ordered change feed: { events, nextCursor, hasMore }. docs/api.md says how to consume it.
export const changes = defineHttpFunction({
  name: 'changes',
  methods: ['GET'],
  route: 'kbs/{kbId}/changes',
  authLevel: 'function',
  handler: async (request) => {
    const ids = parseRouteIds(request, ['kbId'] as const);
    if (!ids.ok) return ids.response;
    const query = parseQuery(request, feedQuerySchema);
    if (!query.ok) return query.response;
    const result = await useCases().readFeed(ids.value.kbId, query.value);
    switch (result.kind) {
      case 'unknown_kb':
        return problem(404, 'knowledge base not found');
      case 'cursor_not_in_feed':
        return problem(
          409,
          'the cursor is not in this feed',
          `${
            result.reason === 'other-generation'
              ? 'The cursor is from another generation of this feed: its storage was reset and sequence numbers started again.'
              : 'The cursor is beyond the newest event of this feed: storage lost its last writes and those numbers may be issued again.'
          } ${RESTART}`,
          {
            type: CURSOR_NOT_IN_FEED,
            reason: result.reason,
            generation: result.generation ?? null,
            headCursor: result.headCursor,
          },
        );
      case 'page':
        return json(200, result.page, { 'cache-control': 'no-store' });
    }
  },
});
