import { getServices } from '../shared/app/composition-root.js';
import { connectServices } from '../shared/app/connect-services.js';
import { browserRedirect } from '../shared/adapters/http/connect-responses.js';
import { connectStartQuerySchema, startConnect } from '../shared/core/connect/start-connect.js';
import { problem, retryableProblem } from '../shared/adapters/http/problem.js';
import { STORAGE_RETRY_AFTER_SECONDS } from '../shared/adapters/http/storage-outage-answer.js';
import { parseQuery } from '../shared/adapters/http/request-parsing.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// The user's browser starts connecting a source here and is sent to Microsoft sign-in (docs/connect.md).
// Anonymous: a browser has no function key; the signed state protects the flow.
export const connectStart = defineHttpFunction({
  name: 'connectStart',
  methods: ['GET'],
  route: 'connect/start',
  authLevel: 'anonymous',
  handler: async (request, context) => {
    const log = createLogger(context);
    const connect = connectServices(getServices());
    if (!connect.ok) {
      return problem(503, 'the connect flow is not configured', `missing settings: ${connect.missing.join(', ')}`);
    }
    const query = parseQuery(request, connectStartQuerySchema);
    if (!query.ok) return query.response;
    const key = { kbId: query.value.kbId, sourceId: query.value.sourceId };
    let result;
    try {
      result = await startConnect(connect.start, query.value, request.url);
    } catch (error) {
      log.error('connect.start_failed', { ...key, errorType: error instanceof Error ? error.name : typeof error });
      return retryableProblem(503, 'the connect flow is unavailable for now; try again', STORAGE_RETRY_AFTER_SECONDS);
    }
    switch (result.kind) {
      case 'redirect':
        log.info('connect.started', { ...key, returnToOrigin: result.returnToOrigin });
        return browserRedirect(result.location);
      case 'return_to_rejected':
        log.warn('connect.start_rejected', { ...key, reason: result.reason });
        return problem(400, 'returnTo is not allowed', result.reason);
      case 'source_not_found':
        return problem(404, 'source not found', 'register the source (PUT /api/kbs/{kbId}/sources/{sourceId}) first');
      case 'not_connectable':
        return problem(409, 'the source cannot be connected now', result.reason);
    }
  },
});
