import { useCases } from '../shared/app/composition-root.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

const route = 'ops/poison/{queue}/messages/{messageId}';

// Operators (master key): put a poisoned message back on its work queue, as it was first sent.
export const poisonReplay = defineHttpFunction({
  name: 'poisonReplay',
  methods: ['POST'],
  route: `${route}/replay`,
  authLevel: 'admin',
  handler: async (request) => {
    const ids = parseRouteIds(request, ['queue', 'messageId'] as const);
    if (!ids.ok) return ids.response;
    const result = await useCases().poison.replay(ids.value.queue, ids.value.messageId);
    if (result.kind === 'unknown_queue') return problem(404, 'no such work queue');
    if (result.value === 'not_found') return problem(404, 'no such message in the poison queue');
    return json(200, { queue: ids.value.queue, messageId: ids.value.messageId, replayed: true });
  },
});

// Operators (master key): drop a poisoned message for good.
export const poisonDiscard = defineHttpFunction({
  name: 'poisonDiscard',
  methods: ['DELETE'],
  route,
  authLevel: 'admin',
  handler: async (request) => {
    const ids = parseRouteIds(request, ['queue', 'messageId'] as const);
    if (!ids.ok) return ids.response;
    const result = await useCases().poison.discard(ids.value.queue, ids.value.messageId);
    if (result.kind === 'unknown_queue') return problem(404, 'no such work queue');
    if (result.value === 'not_found') return problem(404, 'no such message in the poison queue');
    return { status: 204 };
  },
});
