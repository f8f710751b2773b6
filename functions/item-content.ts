import { useCases } from '../shared/app/composition-root.js';
import { contentAnswer } from '../shared/adapters/http/content-answer.js';
import { problem } from '../shared/adapters/http/problem.js';
import { providerFailureProblem } from '../shared/adapters/http/provider-failure-problem.js';
import { parseItemRoute } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Streams an item's content from the provider (Range and If-None-Match passed through); the body is
// piped, never buffered. HEAD answers GET's headers without a body.
export const itemContent = defineHttpFunction({
  name: 'itemContent',
  methods: ['GET', 'HEAD'],
  route: 'kbs/{kbId}/sources/{sourceId}/items/{itemId}/content',
  authLevel: 'function',
  handler: async (request) => {
    const route = parseItemRoute(request, ['itemId'] as const);
    if (!route.ok) return route.response;
    const range = request.headers.get('range') ?? undefined;
    const ifNoneMatch = request.headers.get('if-none-match') ?? undefined;
    try {
      const { key, ids } = route.value;
      const result = await useCases().openItemContent(key, ids.itemId, { range, ifNoneMatch });
      if (result.kind === 'not_found') return problem(404, `${result.what} not found`);
      return contentAnswer(result.response, request.method);
    } catch (error) {
      return providerFailureProblem(error);
    }
  },
});
