import { getServices } from '../shared/app/composition-root.js';
import { feedQuerySchema, readFeed } from '../shared/core/feed/read-feed.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { parseQuery, parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

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
    const result = await readFeed(getServices(), ids.value.kbId, query.value);
    if (result.kind === 'unknown_kb') return problem(404, 'knowledge base not found');
    return json(200, result.page, { 'cache-control': 'no-store' });
  },
});
