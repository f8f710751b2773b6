// What the sync job writes to the sync history (core/sync/run-sync-job.ts): a run that threw is
// recorded as failed with the provider requests it made before the failure and a redacted reason,
// and the error still reaches the queue; a busy job is not a run; a history that cannot be written
// does not fail the job. The provider requests are counted through countProviderRequest.
import { describe, expect, it } from 'vitest';
import { TransientError } from '../../../shared/core/domain/errors.js';
import type { Logger } from '../../../shared/core/ports/logger.js';
import type { SyncRun } from '../../../shared/core/ports/sync-run-log.js';
import { countProviderRequest } from '../../../shared/core/sync/provider-request-count.js';
import { runSyncJob } from '../../../shared/core/sync/run-sync-job.js';
import type { SyncOutcome } from '../../../shared/core/sync/sync-source.js';

const message = { kbId: 'kb', sourceId: 'src', reason: 'poll' };
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

function deps(run: () => Promise<SyncOutcome>, append: (run: SyncRun) => Promise<void>) {
  return {
    syncer: { run, covers: async () => false, hasInterruptedRound: async () => false },
    syncJobs: { enqueue: async () => {}, armWatchdog: async () => async () => {}, requeue: async () => {} },
    poisonQueue: { send: async () => {} },
    leaseSeconds: 60,
    log: silent,
    runs: { append: (_key: unknown, r: SyncRun) => append(r) },
  };
}

describe('the sync history of a job', () => {
  it('records a run that threw as failed, with the requests made before it, and rethrows', async () => {
    const runs: SyncRun[] = [];
    const failure = new TransientError('Graph answered 503 serviceNotAvailable', 5);
    const job = deps(
      async () => {
        countProviderRequest();
        countProviderRequest();
        throw failure;
      },
      async (r) => void runs.push(r),
    );
    await expect(runSyncJob(job, message)).rejects.toBe(failure);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      reason: 'poll',
      outcome: 'failed',
      providerRequests: 2,
      pages: null,
      error: 'Graph answered 503 serviceNotAvailable',
    });
  });

  it('records a synced run with its figures, and no run for a busy source', async () => {
    const runs: SyncRun[] = [];
    const synced: SyncOutcome = {
      status: 'synced',
      pages: 2,
      events: 7,
      held: 0,
      syncedAsOf: '2026-12-03T00:00:00.000Z',
      resumedRound: false,
    };
    await runSyncJob(
      deps(
        async () => {
          countProviderRequest();
          return synced;
        },
        async (r) => void runs.push(r),
      ),
      message,
    );
    await runSyncJob(
      deps(
        async () => ({ status: 'busy', heldForMs: 1_000 }),
        async (r) => void runs.push(r),
      ),
      message,
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ outcome: 'synced', pages: 2, events: 7, providerRequests: 1, error: null });
  });

  it('does not fail the job when the history cannot be written', async () => {
    const job = deps(
      async () => ({ status: 'error', reason: 'Graph answered 403 accessDenied' }),
      async () => {
        throw new Error('storage down');
      },
    );
    const result = await runSyncJob(job, message);
    expect(result.kind).toBe('ran');
  });
});
