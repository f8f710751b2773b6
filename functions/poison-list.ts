import { useCases } from '../shared/app/composition-root.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { parseRouteIds } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// Operators (master key): how many messages each work queue's poison queue holds.
export const poisonSummary = defineHttpFunction({
  name: 'poisonSummary',
  methods: ['GET'],
  route: 'ops/poison',
  authLevel: 'admin',
  handler: async () => json(200, { queues: await useCases().poison.summary() }),
});

// Operators (master key): the oldest messages of one work queue's poison queue, each with why it is there.
export const poisonList = defineHttpFunction({
  name: 'poisonList',
  methods: ['GET'],
  route: 'ops/poison/{queue}',
  authLevel: 'admin',
  handler: async (request) => {
    const ids = parseRouteIds(request, ['queue'] as const);
    if (!ids.ok) return ids.response;
    const limit = Number(request.query.get('limit') ?? 32);
    if (!Number.isInteger(limit) || limit < 1 || limit > 32) {
      return problem(400, 'invalid limit', 'limit must be an integer from 1 to 32');
    }
    const result = await useCases().poison.list(ids.value.queue, limit);
    if (result.kind === 'unknown_queue') return problem(404, 'no such work queue');
    return json(200, { queue: ids.value.queue, ...result.value });
  },
});
