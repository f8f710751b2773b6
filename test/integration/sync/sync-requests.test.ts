// Issue 10 item 2: a sync request that meets a running sync is never lost, never loops, and a crawl
// cut by a killed process resumes by itself once its lease lapses. Real queue and tables (Azurite),
// real sandbox; a short lease instead of long waits.
import type { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoragePoisonQueue } from '../../../shared/adapters/azure-queues/poison-queue.js';
import { StorageSyncJobQueue } from '../../../shared/adapters/azure-queues/sync-job-queue.js';
import { runSyncJob, type SyncJobResult } from '../../../shared/core/sync/run-sync-job.js';
import { createStorageClients } from '../../../shared/adapters/storage/storage-clients.js';
import type { SourceKey } from '../../../shared/core/domain/source.js';
import type { SyncDependencies } from '../../../shared/core/sync/sync-source.js';
import { syncLeaseKey } from '../../../shared/core/sync/sync-source.js';
import { foldFeed, startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';
import { driveView } from '../../support/source-record.js';
import { storageConnectionString, uniqueName } from '../../support/storage.js';
import { quietLogger } from '../../support/logger.js';

const LEASE_MS = 3_000;
const LEASE_SECONDS = LEASE_MS / 1000;

class InjectedKill extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sync requests that meet a running sync', () => {
  let h: SyncHarness;
  let queue: QueueClient;
  let syncJobs: StorageSyncJobQueue;
  let poisonQueue: QueueClient;

  beforeAll(async () => {
    h = await startSyncHarness({ defaultPageSize: 3, pageSizeJitter: 0, duplicateRate: 0, childFirst: 0 });
    const storage = createStorageClients({ kind: 'connectionString', connectionString: storageConnectionString() });
    const name = uniqueName('syncreq');
    queue = storage.queue(name);
    poisonQueue = storage.queue(`${name}-poison`);
    await queue.createIfNotExists();
    await poisonQueue.createIfNotExists();
    syncJobs = new StorageSyncJobQueue({
      ...storage,
      queue: (q: string) => storage.queue(q === 'sync-jobs' ? name : q),
    });
  });
  afterAll(async () => h.stop());

  // Every run arms its watchdog, as in production (shared/app/composition-root.ts).
  const watchdog = () => ({ arm: (key: SourceKey, delay: number) => syncJobs.armWatchdog(key, delay) });
  const deps = () => ({
    syncer: h.syncer(undefined, { leaseMs: LEASE_MS, watchdog: watchdog() }),
    syncJobs,
    poisonQueue: new StoragePoisonQueue(poisonQueue),
    leaseSeconds: LEASE_SECONDS,
    log: quietLogger,
  });

  /** What `POST …/sync` puts on the queue, handled at once (as a worker would on arrival). */
  const postSync = (key: { kbId: string; sourceId: string }) =>
    runSyncJob(deps(), { ...key, reason: 'sync-now', requestedAt: new Date().toISOString() });

  /** Runs every message as it becomes visible until the queue is empty (bounded). */
  async function workQueue(): Promise<SyncJobResult[]> {
    const results: SyncJobResult[] = [];
    for (let round = 0; round < 240; round++) {
      const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 60 });
      const message = receivedMessageItems[0];
      if (message) {
        results.push(await runSyncJob(deps(), JSON.parse(Buffer.from(message.messageText, 'base64').toString())));
        await queue.deleteMessage(message.messageId, message.popReceipt);
        continue;
      }
      // Counts delayed (invisible) messages too: zero means nothing is left to come.
      if ((await queue.getProperties()).approximateMessagesCount === 0) return results;
      await sleep(250);
    }
    throw new Error('the queue did not empty');
  }

  const synced = (results: SyncJobResult[]) =>
    results.filter((r) => r.kind === 'ran' && r.outcome.status === 'synced').length;

  async function syncedSource(kbId: string, files: number) {
    const c = h.sandbox.control;
    const { driveId, rootId } = await c.createDrive({ driveType: 'business' });
    const created = [];
    for (let i = 0; i < files; i++) created.push(await c.createFile(driveId, rootId, `f${i}.txt`, `v1 ${i}`));
    const key = { kbId, sourceId: 's' };
    await h.register({ ...key, driveId });
    return { key, driveId, rootId, files: created };
  }

  for (const ending of ['releases', 'dies without releasing'] as const) {
    it(`runs exactly one more sync after the holder ${ending}, covering the change made meanwhile`, async () => {
      const { key, driveId, files } = await syncedSource(uniqueName('kbheld'), 2);
      expect(await h.syncer(undefined, { leaseMs: LEASE_MS }).run(key)).toMatchObject({ status: 'synced' });
      const seen = (await h.allEvents(key.kbId)).length;
      // Another sync has begun (it holds the lease), then a file changes and the host asks to sync.
      const holder = (await h.leases.acquire(syncLeaseKey(key), LEASE_MS)).lease!;
      await h.sandbox.control.updateFile(driveId, files[0]!.id, 'v2');
      expect(await postSync(key)).toMatchObject({ outcome: { status: 'busy' }, followUpQueued: true });
      if (ending === 'releases') await holder.release();

      const results = await workQueue();
      expect(synced(results)).toBe(1);
      const kept = foldFeed((await h.allEvents(key.kbId)).slice(seen));
      expect(kept.get(files[0]!.id)?.contentChanged).toBe(true);
      // Nothing loops once the source is in sync.
      expect((await queue.getProperties()).approximateMessagesCount).toBe(0);
    });
  }

  it('serves many requests that piled up behind one sync with one sync, then stops', async () => {
    const { key, driveId, files } = await syncedSource(uniqueName('kbpile'), 1);
    expect(await h.syncer(undefined, { leaseMs: LEASE_MS }).run(key)).toMatchObject({ status: 'synced' });
    await h.leases.acquire(syncLeaseKey(key), LEASE_MS); // never released: a killed holder
    await h.sandbox.control.updateFile(driveId, files[0]!.id, 'v2');
    for (let i = 0; i < 3; i++) expect(await postSync(key)).toMatchObject({ followUpQueued: true });
    const results = await workQueue();
    expect(synced(results)).toBe(1);
    expect(results.filter((r) => r.kind === 'covered')).toHaveLength(2);
  });

  /** A crawl whose process is killed on its third page: no more renewals, no release, no clean-up. */
  async function killedCrawl(key: SourceKey) {
    const leases: SyncDependencies['leases'] = {
      acquire: async (leaseKey, ttlMs) => {
        const attempt = await h.leases.acquire(leaseKey, ttlMs);
        if (!attempt.lease) return attempt;
        return { lease: { ...attempt.lease, renew: async () => true, release: async () => {} } };
      },
    };
    const armed = watchdog();
    const killedWatchdog = {
      arm: async (k: SourceKey, delay: number) => {
        await armed.arm(k, delay);
        return async () => {};
      },
    };
    const kill = (step: string, page: number) => {
      if (step === 'fetch' && page === 2) throw new InjectedKill('kill -9');
    };
    const run = h.syncer(kill, { leaseMs: LEASE_MS, leases, watchdog: killedWatchdog }).run(key);
    await expect(run).rejects.toThrow(InjectedKill);
  }

  it('resumes a crawl killed while no other job comes, through the watchdog it left', async () => {
    const { key, files } = await syncedSource(uniqueName('kbwatch'), 12);
    await killedCrawl(key);
    expect(foldFeed(await h.allEvents(key.kbId)).size).toBeLessThan(files.length);
    const results = await workQueue();
    // The watchdog resumed it; the fresh round it then asks for finds nothing interrupted.
    expect(results.map((r) => (r.kind === 'ran' ? r.outcome.status : r.kind))).toEqual(['synced', 'covered']);
    expect([...foldFeed(await h.allEvents(key.kbId)).keys()].sort()).toEqual(files.map((f) => f.id).sort());
  });

  it('resumes a crawl whose process was killed holding the lease, then covers what changed meanwhile', async () => {
    const { key, driveId, files } = await syncedSource(uniqueName('kbkill'), 12);
    await killedCrawl(key);
    const before = foldFeed(await h.allEvents(key.kbId));
    expect(before.size).toBeGreaterThan(0);
    expect(before.size).toBeLessThan(files.length);
    expect(driveView((await h.sources.get(key))!.record).cursorKind).toBe('next');
    // A file the interrupted round already reported changes; the host asks to sync.
    const changed = files.find((f) => before.has(f.id))!;
    await h.sandbox.control.updateFile(driveId, changed.id, 'v2 after the crash');
    expect(await postSync(key)).toMatchObject({ outcome: { status: 'busy' }, followUpQueued: true });

    const results = await workQueue();
    // The request and the killed run's watchdog both come back after the lapse; one resumes the
    // crawl, a fresh round follows for the request, and whatever is left ends without a sync.
    const outcomes = results.flatMap((r) => (r.kind === 'ran' && r.outcome.status !== 'busy' ? [r.outcome] : []));
    expect(results.filter((r) => r.kind === 'poisoned')).toEqual([]);
    expect(outcomes).toMatchObject([
      { status: 'synced', resumedRound: true },
      { status: 'synced', resumedRound: false },
    ]);
    const events = await h.allEvents(key.kbId);
    const kept = foldFeed(events);
    expect([...kept.keys()].sort()).toEqual(files.map((f) => f.id).sort());
    const last = events.filter((e) => e.itemId === changed.id).at(-1)!;
    expect(last.contentChanged).toBe(true);
    expect(last.quickXorHash).not.toBe(before.get(changed.id)?.quickXorHash);
    expect(driveView((await h.sources.get(key))!.record).cursorKind).toBe('final');
  });
});
