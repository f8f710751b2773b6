import { useCases } from '../shared/app/composition-root.js';
import { contentAnswer } from '../shared/adapters/http/content-answer.js';
import { problem } from '../shared/adapters/http/problem.js';
import { providerFailureProblem } from '../shared/adapters/http/provider-failure-problem.js';
import { parseItemRoute } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Streams one attachment's bytes from the provider; piped, never buffered. HEAD answers GET's headers.
export const attachmentContent = defineHttpFunction({
  name: 'attachmentContent',
  methods: ['GET', 'HEAD'],
  route: 'kbs/{kbId}/sources/{sourceId}/items/{itemId}/attachments/{attachmentId}/content',
  authLevel: 'function',
  handler: async (request) => {
    const route = parseItemRoute(request, ['itemId', 'attachmentId'] as const);
    if (!route.ok) return route.response;
    try {
      const { key, ids } = route.value;
      const result = await useCases().openAttachmentContent(key, ids.itemId, ids.attachmentId, {});
      if (result.kind === 'not_found') return problem(404, `${result.what} not found`);
      return contentAnswer(result.response, request.method);
    } catch (error) {
      return providerFailureProblem(error);
    }
  },
});
