import { useCases } from '../shared/app/composition-root.js';
import { feedQuerySchema } from '../shared/core/feed/read-feed.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { CURSOR_NOT_IN_FEED, cursorNotInFeedProblem } from '../shared/adapters/http/cursor-not-in-feed-problem.js';
import { parseQuery, parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Re-exported: hosts' tests and ours name the problem type from the route that answers it.
export { CURSOR_NOT_IN_FEED };

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
        return cursorNotInFeedProblem(result);
      case 'page':
        return json(200, result.page, { 'cache-control': 'no-store' });
    }
  },
});
