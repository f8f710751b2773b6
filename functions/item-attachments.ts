import { useCases } from '../shared/app/composition-root.js';
import type { AttachmentListBody } from '../shared/adapters/http/host-response-bodies.js';
import { problem } from '../shared/adapters/http/problem.js';
import { providerFailureProblem } from '../shared/adapters/http/provider-failure-problem.js';
import { parseItemRoute } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Lists the files attached to an item (a mail's attachments): ids, names, types and sizes.
export const itemAttachments = defineHttpFunction({
  name: 'itemAttachments',
  methods: ['GET'],
  route: 'kbs/{kbId}/sources/{sourceId}/items/{itemId}/attachments',
  authLevel: 'function',
  handler: async (request) => {
    const route = parseItemRoute(request, ['itemId'] as const);
    if (!route.ok) return route.response;
    try {
      const result = await useCases().listItemAttachments(route.value.key, route.value.ids.itemId);
      if (result.kind === 'not_found') return problem(404, `${result.what} not found`);
      return { status: 200, jsonBody: { value: result.attachments } satisfies AttachmentListBody };
    } catch (error) {
      return providerFailureProblem(error);
    }
  },
});
