// Response Objects of the document (https://spec.openapis.org/oas/v3.1.0#response-object). Every refusal is
// RFC 9457 problem+json (shared/adapters/http/problem.ts); a few answers every HTTP route can give
// (storage outage, a body over the limit, a crash) are added to each operation here once.
import { PROBLEM_CONTENT_TYPE } from '../../adapters/http/problem.js';
import { schemaRef, type JsonSchema } from './json-schema.js';

export type Responses = Record<string, JsonSchema>;

export const RETRY_AFTER_HEADER = {
  description: 'Seconds to wait before trying again',
  schema: { type: 'string', pattern: '^[0-9]+$' },
};

export function jsonAnswer(description: string, schema: JsonSchema, headers?: Record<string, JsonSchema>): JsonSchema {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema } } };
}

export function problemAnswer(
  description: string,
  { schema = schemaRef('Problem'), retryAfter = false }: { schema?: JsonSchema; retryAfter?: boolean } = {},
): JsonSchema {
  return {
    description,
    ...(retryAfter ? { headers: { 'Retry-After': RETRY_AFTER_HEADER } } : {}),
    content: { [PROBLEM_CONTENT_TYPE]: { schema } },
  };
}

/**
 * What any HTTP function may answer besides its own results: 413 (the host's body limit), 500 (an
 * unexpected failure, no details), 503 (storage unavailable, with Retry-After; answeringStorageOutages)
 * and, on function-key routes, 401. An operation's own entry for a status wins and should say both.
 */
export function withCommonAnswers(own: Responses, { functionKey }: { functionKey: boolean }): Responses {
  return {
    ...(functionKey ? { '401': { $ref: '#/components/responses/Unauthorized' } } : {}),
    '413': { $ref: '#/components/responses/PayloadTooLarge' },
    '500': { $ref: '#/components/responses/InternalError' },
    '503': { $ref: '#/components/responses/StorageUnavailable' },
    ...own,
  };
}

export const commonResponseComponents: Responses = {
  Unauthorized: problemAnswer(
    'The function key is missing or wrong (header x-functions-key or query code). Azure may answer with an empty body.',
  ),
  PayloadTooLarge: problemAnswer('The request body is over the host limit (100 MB on Azure)'),
  InternalError: problemAnswer('An unexpected failure; details are only in the (redacted) log'),
  StorageUnavailable: problemAnswer('Storage is unavailable for now; retry after Retry-After seconds', {
    retryAfter: true,
  }),
};
