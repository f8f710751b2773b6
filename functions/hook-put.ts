import { useCases } from '../shared/app/composition-root.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { parseJsonBody, parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';
import { HOOK_URL_REFUSED, registerHookBodySchema } from '../shared/core/hooks/hook-record.js';

// Register (201) or replace (200) a KB's push callback; the answer carries the new signing secret.
export const hookPut = defineHttpFunction({
  name: 'hookPut',
  methods: ['PUT'],
  route: 'kbs/{kbId}/hook',
  authLevel: 'function',
  handler: async (request, context) => {
    const ids = parseRouteIds(request, ['kbId'] as const);
    if (!ids.ok) return ids.response;
    const body = await parseJsonBody(request, registerHookBodySchema);
    if (!body.ok) return body.response;
    const result = await useCases().registerHook(ids.value.kbId, body.value);
    createLogger(context).info('hook.register', { kbId: ids.value.kbId, result: result.kind });
    if (result.kind === 'refused') {
      return problem(400, 'the hook URL is refused', result.reason, { type: HOOK_URL_REFUSED });
    }
    return json(
      result.kind === 'created' ? 201 : 200,
      { ...result.view, secret: result.secret },
      {
        'cache-control': 'no-store',
      },
    );
  },
});
