import { useCases } from '../shared/app/composition-root.js';
import { problem } from '../shared/adapters/http/problem.js';
import { parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Remove a KB's push callback and its secret: 204; pushes scheduled before are dropped.
export const hookDelete = defineHttpFunction({
  name: 'hookDelete',
  methods: ['DELETE'],
  route: 'kbs/{kbId}/hook',
  authLevel: 'function',
  handler: async (request) => {
    const ids = parseRouteIds(request, ['kbId'] as const);
    if (!ids.ok) return ids.response;
    const result = await useCases().deleteHook(ids.value.kbId);
    return result === 'deleted' ? { status: 204 } : problem(404, 'no hook for this knowledge base');
  },
});
