// The routes of a KB's Open WebUI connector (functions/openwebui-connector-*.ts; docs/open-webui.md).
import { idSchema } from '../../core/domain/source.js';
import { OPENWEBUI_REFUSED, registerOpenWebUiBodySchema } from '../../integrations/openwebui/openwebui-connector.js';
import { pathParameter, requestSchema, schemaRef, type JsonSchema } from './json-schema.js';
import { jsonAnswer, problemAnswer, type Responses } from './responses.js';
import { hostOperation } from './source-operations.js';

const kbId = pathParameter('kbId', idSchema, 'The knowledge base');
const invalidInput = problemAnswer('Invalid kbId or body (`issues` lists each problem by path)');
const noConnector = problemAnswer('No Open WebUI connector for this knowledge base');

const operation = (operationId: string, summary: string, responses: Responses, extra: JsonSchema = {}) =>
  hostOperation('connectors', operationId, summary, responses, extra);

export function connectorPaths(): Record<string, JsonSchema> {
  const view = schemaRef('OpenWebUiConnectorView');
  return {
    '/kbs/{kbId}/connectors/openwebui': {
      parameters: [kbId],
      put: operation(
        'openWebUiConnectorPut',
        'Start or replace the Open WebUI connector: the feed is applied to the knowledge base',
        {
          '200': jsonAnswer('Replaced (same knowledge base: continues from its cursor; another: starts over)', view),
          '201': jsonAnswer('Started', view),
          '400': problemAnswer(
            `Invalid kbId or body, or (type ${OPENWEBUI_REFUSED}) Open WebUI refused the API key or the knowledge id, or the key may not write it`,
          ),
          '502': problemAnswer('Open WebUI could not be reached to check the knowledge base'),
          '503': problemAnswer('OPENWEBUI_BASE_URL is not set, or storage is unavailable (then with Retry-After)'),
        },
        {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: requestSchema(registerOpenWebUiBodySchema) } },
          },
        },
      ),
      get: operation(
        'openWebUiConnectorGet',
        'The connector: state, cursor, counts, per-item failures (never the key)',
        {
          '200': jsonAnswer('The connector', view),
          '400': invalidInput,
          '404': noConnector,
        },
      ),
      delete: operation('openWebUiConnectorDelete', 'Stop and remove the connector, its item map and its key', {
        '204': { description: 'Removed; the files already in Open WebUI stay' },
        '400': invalidInput,
        '404': noConnector,
      }),
    },
  };
}
