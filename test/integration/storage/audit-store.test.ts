// The credential audit table on Azurite: rows come back the newest first per source, each append
// deletes rows older than the retention, and sources do not see each other's rows.
import { describe, expect, it } from 'vitest';
import { TableCredentialAudit } from '../../../shared/adapters/azure-tables/audit-store.js';
import type { AuditEntry } from '../../../shared/core/ports/credential-audit.js';
import { freshTable } from '../../support/storage.js';

const DAY = 86_400_000;
const entry = (day: number, operation: AuditEntry['operation'] = 'refreshed'): AuditEntry => ({
  at: new Date(Date.UTC(2026, 0, 1) + day * DAY).toISOString(),
  operation,
  actor: 'sync',
  outcome: 'ok',
  detail: { day },
});

describe('TableCredentialAudit', () => {
  it('lists the newest first, keeps the retention, and keeps sources apart', async () => {
    const audit = new TableCredentialAudit(await freshTable('audit'), 10 * DAY);
    const a = { kbId: 'kb', sourceId: 'a' };
    const b = { kbId: 'kb', sourceId: 'b' };
    await audit.append(a, entry(0, 'grant_stored'));
    await audit.append(a, entry(5));
    await audit.append(b, entry(1, 'grant_stored'));
    expect((await audit.list(a, 10)).map((e) => e.detail.day)).toEqual([5, 0]);
    // Day 12: the row of day 0 is past the 10-day retention and goes; day 5 stays.
    await audit.append(a, entry(12));
    expect((await audit.list(a, 10)).map((e) => e.detail.day)).toEqual([12, 5]);
    expect((await audit.list(a, 1)).map((e) => e.detail.day)).toEqual([12]);
    expect((await audit.list(b, 10)).map((e) => e.operation)).toEqual(['grant_stored']);
  });
});
