import { useCases } from '../shared/app/composition-root.js';
import { problem, retryableProblem } from '../shared/adapters/http/problem.js';
import { parseSourceKey } from '../shared/adapters/http/request-parsing.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Remove a source: subscription, credentials, item state, its events, then the source. 204.
export const sourcesDelete = defineHttpFunction({
  name: 'sourcesDelete',
  methods: ['DELETE'],
  route: 'kbs/{kbId}/sources/{sourceId}',
  authLevel: 'function',
  handler: async (request, context) => {
    const key = parseSourceKey(request);
    if (!key.ok) return key.response;
    const result = await useCases().deleteSource(key.value, createLogger(context));
    switch (result.kind) {
      case 'deleted':
        return { status: 204 };
      case 'not_found':
        return problem(404, 'source not found');
      case 'busy':
        return retryableProblem(409, 'a sync of this source is running', 5);
    }
  },
});
