import { useCases } from '../shared/app/composition-root.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { parseSourceKey } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Status of one source.
export const sourcesGet = defineHttpFunction({
  name: 'sourcesGet',
  methods: ['GET'],
  route: 'kbs/{kbId}/sources/{sourceId}',
  authLevel: 'function',
  handler: async (request) => {
    const key = parseSourceKey(request);
    if (!key.ok) return key.response;
    const view = await useCases().getSourceStatus(key.value);
    return view ? json(200, view) : problem(404, 'source not found');
  },
});
