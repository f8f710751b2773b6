import { useCases } from '../shared/app/composition-root.js';
import { json, problem } from '../shared/adapters/http/problem.js';
import { parseSourceKey } from '../shared/adapters/http/request-parsing.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';

// A source's credential audit log: every grant stored, refreshed, failed, revoked or removed and every
// connect flow, the newest first, never a secret (docs/operations.md, "Audit log"). Kept after the
// source is removed, for AUDIT_RETENTION_DAYS.
export const sourcesAudit = defineHttpFunction({
  name: 'sourcesAudit',
  methods: ['GET'],
  route: 'kbs/{kbId}/sources/{sourceId}/audit',
  authLevel: 'function',
  handler: async (request) => {
    const key = parseSourceKey(request);
    if (!key.ok) return key.response;
    const limit = Number(request.query.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) {
      return problem(400, 'invalid limit', 'limit must be an integer from 1 to 1000');
    }
    return json(200, { entries: await useCases().listAudit(key.value, limit) });
  },
});
