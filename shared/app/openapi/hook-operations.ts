// The routes of a KB's push callback (functions/hook-*.ts; docs/api.md, "Push to the host"), and the
// push itself as an OpenAPI 3.1 webhook: what KB Sync POSTs to the host, with its Standard Webhooks
// headers (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md).
import { idSchema } from '../../core/domain/source.js';
import { HOOK_URL_REFUSED, registerHookBodySchema } from '../../core/hooks/hook-record.js';
import { pathParameter, requestSchema, schemaRef, type JsonSchema } from './json-schema.js';
import { jsonAnswer, problemAnswer, type Responses } from './responses.js';
import { hostOperation } from './source-operations.js';

const kbId = pathParameter('kbId', idSchema, 'The knowledge base');
const invalidInput = problemAnswer(
  `Invalid kbId or body (\`issues\` lists each problem by path), or a refused URL (type ${HOOK_URL_REFUSED}: not https, credentials in it, or a private, loopback, link-local, metadata or reserved address)`,
);
const noHook = problemAnswer('No hook for this knowledge base');

const operation = (operationId: string, summary: string, responses: Responses, extra: JsonSchema = {}) =>
  hostOperation('hooks', operationId, summary, responses, extra);

export function hookPaths(): Record<string, JsonSchema> {
  const registered = schemaRef('RegisteredHook');
  const noStore = { 'Cache-Control': { schema: { const: 'no-store' } } };
  return {
    '/kbs/{kbId}/hook': {
      parameters: [kbId],
      put: operation(
        'hookPut',
        'Register or replace the push callback; re-enables it and rotates its secret',
        {
          '200': jsonAnswer('Replaced: a new secret, failures reset, active again', registered, noStore),
          '201': jsonAnswer('Registered', registered, noStore),
          '400': invalidInput,
        },
        {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: requestSchema(registerHookBodySchema) } },
          },
        },
      ),
      get: operation('hookGet', 'The push callback and how its deliveries went (never the secret)', {
        '200': jsonAnswer('The hook', schemaRef('HookStatusView')),
        '400': invalidInput,
        '404': noHook,
      }),
      delete: operation('hookDelete', 'Remove the push callback and its secret', {
        '204': { description: 'Removed' },
        '400': invalidInput,
        '404': noHook,
      }),
    },
  };
}

/** The push, as OpenAPI 3.1 `webhooks` (operations the API calls on its consumer). */
export function hookWebhooks(): Record<string, JsonSchema> {
  const header = (name: string, description: string) => ({
    name,
    in: 'header',
    required: true,
    description,
    schema: { type: 'string' },
  });
  return {
    feedAdvanced: {
      post: {
        operationId: 'feedAdvanced',
        summary: "The knowledge base's feed advanced: read it up to headCursor",
        tags: ['hooks'],
        description:
          'Coalesced (one POST per burst of changes), retried with backoff until a 2xx, signed the Standard Webhooks way with the secret the PUT answered. Verify webhook-signature before trusting the body.',
        parameters: [
          header('webhook-id', 'msg_…: the same for every attempt of one notification; drop repeats'),
          header('webhook-timestamp', 'Unix seconds of this attempt; refuse ones far from your clock'),
          header('webhook-signature', 'v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">'),
        ],
        requestBody: { required: true, content: { 'application/json': { schema: schemaRef('HookPayload') } } },
        responses: {
          '2XX': { description: 'Accepted; anything else (or no answer) is retried' },
        },
      },
    },
  };
}
