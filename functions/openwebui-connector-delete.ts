import { useCases } from '../shared/app/composition-root.js';
import { problem } from '../shared/adapters/http/problem.js';
import { parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Stop and remove a KB's Open WebUI connector, its item map and its API key: 204. The files already
// in the Open WebUI knowledge base stay there.
export const openWebUiConnectorDelete = defineHttpFunction({
  name: 'openWebUiConnectorDelete',
  methods: ['DELETE'],
  route: 'kbs/{kbId}/connectors/openwebui',
  authLevel: 'function',
  handler: async (request) => {
    const ids = parseRouteIds(request, ['kbId'] as const);
    if (!ids.ok) return ids.response;
    const result = await useCases().deleteOpenWebUiConnector(ids.value.kbId);
    return result === 'deleted' ? { status: 204 } : problem(404, 'no Open WebUI connector for this knowledge base');
  },
});
