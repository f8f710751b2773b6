import { useCases } from '../shared/app/composition-root.js';
import { acceptsHtml, browserRedirect, startRefusal } from '../shared/adapters/http/connect-responses.js';
import { connectStartQuerySchema } from '../shared/core/connect/start-connect.js';
import { STORAGE_RETRY_AFTER_SECONDS } from '../shared/adapters/http/storage-outage-answer.js';
import { parseQuery } from '../shared/adapters/http/request-parsing.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// The user's browser starts connecting a source here and is sent to Microsoft sign-in (docs/connect.md).
// Anonymous: a browser has no function key; the signed state protects the flow. Refusals are the
// callback's HTML error page for a browser (Accept: text/html), problem+json otherwise.
export const connectStart = defineHttpFunction({
  name: 'connectStart',
  methods: ['GET'],
  route: 'connect/start',
  authLevel: 'anonymous',
  handler: async (request, context) => {
    const log = createLogger(context);
    const html = acceptsHtml(request.headers.get('accept'));
    const startConnect = useCases().startConnect;
    if (!startConnect.ok) {
      const detail = `missing settings: ${startConnect.missing.join(', ')}`;
      return startRefusal(html, 503, 'not_configured', 'the connect flow is not configured', detail);
    }
    const query = parseQuery(request, connectStartQuerySchema);
    if (!query.ok) return html ? startRefusal(true, 400, 'invalid_request', 'invalid query') : query.response;
    const key = { kbId: query.value.kbId, sourceId: query.value.sourceId };
    let result;
    try {
      result = await startConnect.run(query.value, request.url);
    } catch (error) {
      log.error('connect.start_failed', { ...key, errorType: error instanceof Error ? error.name : typeof error });
      const refusal = startRefusal(
        html,
        503,
        'temporarily_unavailable',
        'the connect flow is unavailable for now; try again',
      );
      return {
        ...refusal,
        headers: { ...(refusal.headers as Record<string, string>), 'retry-after': String(STORAGE_RETRY_AFTER_SECONDS) },
      };
    }
    switch (result.kind) {
      case 'redirect':
        log.info('connect.started', { ...key, returnToOrigin: result.returnToOrigin });
        return browserRedirect(result.location);
      case 'return_to_rejected':
        log.warn('connect.start_rejected', { ...key, reason: result.reason });
        return startRefusal(html, 400, 'return_to_not_allowed', 'returnTo is not allowed', result.reason);
      case 'source_not_found':
        return startRefusal(
          html,
          404,
          'source_not_found',
          'source not found',
          'register the source (PUT /api/kbs/{kbId}/sources/{sourceId}) first',
        );
      case 'not_connectable':
        return startRefusal(html, 409, 'not_connectable', 'the source cannot be connected now', result.reason);
      case 'untrusted_host':
        return startRefusal(
          html,
          400,
          'untrusted_host',
          'the redirect URI cannot be built from this request',
          'PUBLIC_BASE_URL is not set, so only a request to localhost, 127.0.0.1 or [::1] can start the connect flow; set PUBLIC_BASE_URL',
        );
    }
  },
});
