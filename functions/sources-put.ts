import { registerSourceBodySchema, useCases } from '../shared/app/composition-root.js';
import { problem, json, retryableProblem } from '../shared/adapters/http/problem.js';
import { parseJsonBody, parseSourceKey } from '../shared/adapters/http/request-parsing.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';
import { toStatusView } from '../shared/core/sources/source-status-view.js';

// Register or update a source (idempotent): 201 created, 200 updated. docs/api.md.
export const sourcesPut = defineHttpFunction({
  name: 'sourcesPut',
  methods: ['PUT'],
  route: 'kbs/{kbId}/sources/{sourceId}',
  authLevel: 'function',
  handler: async (request, context) => {
    const key = parseSourceKey(request);
    if (!key.ok) return key.response;
    const body = await parseJsonBody(request, registerSourceBodySchema);
    if (!body.ok) return body.response;
    const result = await useCases().registerSource(key.value, body.value);
    createLogger(context).info('source.register', { ...key.value, result: result.kind });
    switch (result.kind) {
      case 'created':
      case 'updated':
        return json(result.kind === 'created' ? 201 : 200, toStatusView(result.source));
      case 'location_not_found':
        return problem(422, 'drive/folder not found', result.detail);
      case 'reauth_required':
        return problem(422, 'the credentials cannot be used', result.reason, { state: 'needs_reauth' });
      case 'rejected':
        return problem(422, 'the drive refused access', result.reason);
      case 'unavailable':
        return retryableProblem(503, 'the drive is unavailable for now', result.retryAfterSeconds, result.detail);
      case 'busy':
        return retryableProblem(409, 'a sync of this source is running', result.retryAfterSeconds);
    }
  },
});
