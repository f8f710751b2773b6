import { useCases } from '../shared/app/composition-root.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import type { SourceListBody } from '../shared/adapters/http/host-response-bodies.js';
import { parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Status of every source of a KB; 404 for a KB without sources.
export const sourcesList = defineHttpFunction({
  name: 'sourcesList',
  methods: ['GET'],
  route: 'kbs/{kbId}/sources',
  authLevel: 'function',
  handler: async (request) => {
    const ids = parseRouteIds(request, ['kbId'] as const);
    if (!ids.ok) return ids.response;
    const views = await useCases().listSourceStatuses(ids.value.kbId);
    return views ? json(200, { sources: views } satisfies SourceListBody) : problem(404, 'knowledge base not found');
  },
});
