import { useCases } from '../shared/app/composition-root.js';
import { json, problem, retryableProblem } from '../shared/adapters/http/problem.js';
import type { DeletesConfirmedBody } from '../shared/adapters/http/host-response-bodies.js';
import { parseSourceKey } from '../shared/adapters/http/request-parsing.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';
import { toStatusView } from '../shared/core/sources/source-status-view.js';

// The host accepts deletes held by the mass-delete guard: they are applied and the source is active again.
export const sourcesConfirmDeletes = defineHttpFunction({
  name: 'sourcesConfirmDeletes',
  methods: ['POST'],
  route: 'kbs/{kbId}/sources/{sourceId}/confirm-deletes',
  authLevel: 'function',
  handler: async (request, context) => {
    const key = parseSourceKey(request);
    if (!key.ok) return key.response;
    const log = createLogger(context);
    const result = await useCases().confirmDeletes(key.value, log);
    switch (result.kind) {
      case 'released':
        log.info('source.deletes-confirmed', { ...key.value, released: result.released });
        return json(200, {
          released: result.released,
          source: toStatusView(result.source),
        } satisfies DeletesConfirmedBody);
      case 'nothing_held':
        return problem(409, 'no deletes are held for this source', undefined, { state: result.source.state });
      case 'not_found':
        return problem(404, 'source not found');
      case 'busy':
        return retryableProblem(409, 'a sync of this source is running', 5);
    }
  },
});
