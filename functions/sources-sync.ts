import { useCases } from '../shared/app/composition-root.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import type { SyncQueuedBody } from '../shared/adapters/http/host-response-bodies.js';
import { parseSourceKey } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Sync now: queues a job and answers 202 at once.
export const sourcesSync = defineHttpFunction({
  name: 'sourcesSync',
  methods: ['POST'],
  route: 'kbs/{kbId}/sources/{sourceId}/sync',
  authLevel: 'function',
  handler: async (request) => {
    const key = parseSourceKey(request);
    if (!key.ok) return key.response;
    const result = await useCases().requestSync(key.value);
    return result === 'queued'
      ? json(202, { status: 'queued' } satisfies SyncQueuedBody)
      : problem(404, 'source not found');
  },
});
