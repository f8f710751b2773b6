// The sync-jobs use case: one sync job, then the first watch of a source whose sync succeeded; a
// failing watch does not fail the job (the next maintenance run creates it).
import { describe, expect, it } from 'vitest';
import { syncThenWatch } from '../../../shared/core/watch/sync-then-watch.js';
import type { SourceKey } from '../../../shared/core/domain/source.js';
import type { SyncOutcome } from '../../../shared/core/sync/sync-source.js';
import type { Logger } from '../../../shared/core/ports/logger.js';
import type { WatchOutcome } from '../../../shared/core/watch/watch-manager.js';

const key = { kbId: 'kb', sourceId: 'src' };
const message = { ...key, reason: 'sync-now' };

const synced: SyncOutcome = {
  status: 'synced',
  pages: 1,
  events: 0,
  held: 0,
  syncedAsOf: '2026-01-01T00:00:00.000Z',
  resumedRound: false,
};

function deps(outcome: SyncOutcome, ensure: (key: SourceKey) => Promise<WatchOutcome>) {
  const warnings: string[] = [];
  const log: Logger = {
    debug: () => {},
    info: () => {},
    warn: (event) => warnings.push(event),
    error: () => {},
    child: () => log,
  };
  return {
    warnings,
    deps: {
      syncer: {
        run: async () => outcome,
        covers: async () => false,
        hasInterruptedRound: async () => false,
      },
      syncJobs: { enqueue: async () => {}, armWatchdog: async () => async () => {}, requeue: async () => {} },
      poisonQueue: { send: async () => {} },
      leaseSeconds: 60,
      watches: { ensure },
      log,
    },
  };
}

describe('syncThenWatch', () => {
  it('ensures a watch after a successful sync', async () => {
    const ensured: SourceKey[] = [];
    const { deps: d } = deps(synced, async (k) => {
      ensured.push(k);
      return 'created';
    });
    const result = await syncThenWatch(d, message);
    expect(result.kind).toBe('ran');
    expect(ensured).toEqual([key]);
  });

  it('does not watch a source whose sync did not succeed', async () => {
    const ensured: SourceKey[] = [];
    const { deps: d } = deps({ status: 'skipped', reason: 'paused' }, async (k) => {
      ensured.push(k);
      return 'created';
    });
    await syncThenWatch(d, message);
    expect(ensured).toEqual([]);
  });

  it('logs, and does not throw, when the watch cannot be created', async () => {
    const { deps: d, warnings } = deps(synced, async () => {
      throw new Error('provider down');
    });
    const result = await syncThenWatch(d, message);
    expect(result.kind).toBe('ran');
    expect(warnings).toEqual(['subscription.after_sync_failed']);
  });
});
