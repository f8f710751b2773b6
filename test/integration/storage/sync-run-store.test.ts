// The sync history table on Azurite: runs come back the newest first, each append trims the
// partition to `keep`, sources do not see each other's runs, and deleteAll empties one source only.
import { describe, expect, it } from 'vitest';
import { TableSyncRunLog } from '../../../shared/adapters/azure-tables/sync-run-store.js';
import type { SyncRun } from '../../../shared/core/ports/sync-run-log.js';
import { freshTable } from '../../support/storage.js';

const run = (minute: number, reason = 'poll'): SyncRun => ({
  startedAt: new Date(Date.UTC(2026, 11, 3, 10, minute, 0)).toISOString(),
  endedAt: new Date(Date.UTC(2026, 11, 3, 10, minute, 30)).toISOString(),
  durationMs: 30_000,
  reason,
  outcome: 'synced',
  pages: 1,
  events: minute,
  held: 0,
  providerRequests: 2,
  followUpQueued: false,
  error: null,
});

describe('TableSyncRunLog', () => {
  it('keeps the newest `keep` runs per source, newest first, and deletes one source only', async () => {
    const log = new TableSyncRunLog(await freshTable('syncruns'), 3);
    const a = { kbId: 'kb', sourceId: 'a' };
    const b = { kbId: 'kb', sourceId: 'b' };
    // Appended out of order: the order comes from the end time, not from the writes.
    for (const minute of [2, 1, 5, 3, 4]) await log.append(a, run(minute));
    await log.append(b, run(9, 'registered'));
    expect((await log.list(a, 10)).map((r) => r.events)).toEqual([5, 4, 3]);
    expect((await log.list(a, 2)).map((r) => r.events)).toEqual([5, 4]);
    expect(await log.list(b, 10)).toEqual([run(9, 'registered')]);
    await log.deleteAll(a);
    expect(await log.list(a, 10)).toEqual([]);
    expect(await log.list(b, 10)).toHaveLength(1);
  });
});
