import { useCases } from '../shared/app/composition-root.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { parseJsonBody, parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';
import { SinkError } from '../shared/core/ports/connector-ports.js';
import {
  OPENWEBUI_REFUSED,
  registerOpenWebUiBodySchema,
  toOpenWebUiConnectorView,
} from '../shared/integrations/openwebui/openwebui-connector.js';

// Start (201) or replace (200) a KB's Open WebUI connector (docs/open-webui.md): the knowledge id and
// API key are checked against Open WebUI first; the key is stored like a grant and never answered.
export const openWebUiConnectorPut = defineHttpFunction({
  name: 'openWebUiConnectorPut',
  methods: ['PUT'],
  route: 'kbs/{kbId}/connectors/openwebui',
  authLevel: 'function',
  handler: async (request, context) => {
    const register = useCases().registerOpenWebUiConnector;
    if (!register.ok) {
      return problem(
        503,
        'the Open WebUI connector is not configured',
        `missing settings: ${register.missing.join(', ')}`,
      );
    }
    const ids = parseRouteIds(request, ['kbId'] as const);
    if (!ids.ok) return ids.response;
    const body = await parseJsonBody(request, registerOpenWebUiBodySchema);
    if (!body.ok) return body.response;
    const log = createLogger(context);
    let result;
    try {
      result = await register.run(ids.value.kbId, body.value);
    } catch (error) {
      if (!(error instanceof SinkError)) throw error;
      log.warn('openwebui.register_unreachable', { kbId: ids.value.kbId, status: error.status });
      return problem(502, 'Open WebUI could not be reached', error.detail);
    }
    log.info('openwebui.register', { kbId: ids.value.kbId, result: result.kind });
    if (result.kind === 'refused') {
      return problem(400, 'Open WebUI refused the knowledge base or the API key', result.reason.message, {
        type: OPENWEBUI_REFUSED,
      });
    }
    return json(result.kind === 'created' ? 201 : 200, toOpenWebUiConnectorView(result.status));
  },
});
