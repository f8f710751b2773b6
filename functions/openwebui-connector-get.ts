import { useCases } from '../shared/app/composition-root.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';
import { toOpenWebUiConnectorView } from '../shared/integrations/openwebui/openwebui-connector.js';

// A KB's Open WebUI connector: state, cursor against the feed's head, counts and per-item failures.
export const openWebUiConnectorGet = defineHttpFunction({
  name: 'openWebUiConnectorGet',
  methods: ['GET'],
  route: 'kbs/{kbId}/connectors/openwebui',
  authLevel: 'function',
  handler: async (request) => {
    const ids = parseRouteIds(request, ['kbId'] as const);
    if (!ids.ok) return ids.response;
    const status = await useCases().getOpenWebUiConnector(ids.value.kbId);
    return status
      ? json(200, toOpenWebUiConnectorView(status))
      : problem(404, 'no Open WebUI connector for this knowledge base');
  },
});
