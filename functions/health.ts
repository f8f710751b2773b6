import { useCases } from '../shared/app/composition-root.js';
import { json } from '../shared/adapters/http/problem.js';
import type { HealthBody } from '../shared/adapters/http/host-response-bodies.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Anonymous probe: says only whether storage answers, never why not.
export const health = defineHttpFunction({
  name: 'health',
  methods: ['GET'],
  route: 'health',
  authLevel: 'anonymous',
  handler: async () => {
    const ok = await useCases().checkHealth();
    return json(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable' } satisfies HealthBody, {
      'cache-control': 'no-store',
    });
  },
});
