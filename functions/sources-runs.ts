import { useCases } from '../shared/app/composition-root.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { parseSourceKey } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// A source's sync history: its last runs, the newest first (docs/operations.md, "Sync history").
export const sourcesRuns = defineHttpFunction({
  name: 'sourcesRuns',
  methods: ['GET'],
  route: 'kbs/{kbId}/sources/{sourceId}/runs',
  authLevel: 'function',
  handler: async (request) => {
    const key = parseSourceKey(request);
    if (!key.ok) return key.response;
    const limit = Number(request.query.get('limit') ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) {
      return problem(400, 'invalid limit', 'limit must be an integer from 1 to 1000');
    }
    const runs = await useCases().listSyncRuns(key.value, limit);
    return runs ? json(200, { runs }) : problem(404, 'source not found');
  },
});
