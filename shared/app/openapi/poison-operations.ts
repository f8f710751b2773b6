// The operators' poison-queue routes (functions/poison-*.ts; docs/operations.md). They need the
// host's master key, not a function key: a host application never calls them.
import { idSchema } from '../../core/domain/source.js';
import { pathParameter, schemaRef, type JsonSchema } from './json-schema.js';
import { jsonAnswer, problemAnswer, withCommonAnswers, type Responses } from './responses.js';

export const MASTER_KEY_SECURITY = [{ masterKeyHeader: [] }, { masterKeyQuery: [] }];

const queue = pathParameter('queue', idSchema, 'A work queue of the app (sync-jobs, graph-notifications, …)');
const messageId = pathParameter('messageId', idSchema, "The poison message's id, as the list gives it");
const noQueue = problemAnswer('Not a work queue of the app, or no such message in its poison queue');
const invalid = problemAnswer('Invalid queue, message id or limit');

const operation = (operationId: string, summary: string, responses: Responses, extra: JsonSchema = {}) => ({
  operationId,
  summary,
  tags: ['operations'],
  security: MASTER_KEY_SECURITY,
  ...extra,
  responses: withCommonAnswers(responses, { functionKey: true }),
});

export function poisonPaths(): Record<string, JsonSchema> {
  return {
    '/ops/poison': {
      get: operation('poisonSummary', "How many messages each work queue's poison queue holds", {
        '200': jsonAnswer('The queues', schemaRef('PoisonSummary')),
      }),
    },
    '/ops/poison/{queue}': {
      parameters: [queue],
      get: operation(
        'poisonList',
        'The oldest poison messages of a work queue, with why each is there',
        { '200': jsonAnswer('The messages', schemaRef('PoisonList')), '400': invalid, '404': noQueue },
        {
          parameters: [
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: 32, default: 32 },
            },
          ],
        },
      ),
    },
    '/ops/poison/{queue}/messages/{messageId}': {
      parameters: [queue, messageId],
      delete: operation('poisonDiscard', 'Drop a poison message for good', {
        '204': { description: 'Discarded' },
        '400': invalid,
        '404': noQueue,
      }),
    },
    '/ops/poison/{queue}/messages/{messageId}/replay': {
      parameters: [queue, messageId],
      post: operation('poisonReplay', 'Put a poison message back on its work queue, as it was first sent', {
        '200': jsonAnswer('Replayed', schemaRef('PoisonReplayed')),
        '400': invalid,
        '404': noQueue,
      }),
    },
  };
}
