import { useCases } from '../shared/app/composition-root.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// A KB's push callback and how its deliveries went; never the secret.
export const hookGet = defineHttpFunction({
  name: 'hookGet',
  methods: ['GET'],
  route: 'kbs/{kbId}/hook',
  authLevel: 'function',
  handler: async (request) => {
    const ids = parseRouteIds(request, ['kbId'] as const);
    if (!ids.ok) return ids.response;
    const view = await useCases().getHook(ids.value.kbId);
    return view ? json(200, view) : problem(404, 'no hook for this knowledge base');
  },
});
