// Issue 5 "Must show": a revoked grant (AADSTS50173) and a 90-day-idle grant (AADSTS700082) put the
// source in needs_reauth with the reason; the sync job ends normally (no retry, nothing poisoned),
// and later jobs for the source make no token call at all. Real token manager, real sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoragePoisonQueue } from '../../../shared/adapters/azure-queues/poison-queue.js';
import { StorageSyncJobQueue } from '../../../shared/adapters/azure-queues/sync-job-queue.js';
import { runSyncJob } from '../../../shared/core/sync/run-sync-job.js';
import { createLogger } from '../../../shared/adapters/logging/logger.js';
import { createStorageClients } from '../../../shared/adapters/storage/storage-clients.js';
import type { MicrosoftTokenManager } from '../../../shared/providers/microsoft/identity/microsoft-token-manager.js';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';
import { storageConnectionString, uniqueName } from '../../support/storage.js';
import { tokenTestBed, type TokenTestBed } from '../tokens/token-harness.js';

const DAY = 24 * 60 * 60 * 1000;

describe('a permanently invalid grant during sync', () => {
  let h: SyncHarness;
  let bed: TokenTestBed;
  let tokens: MicrosoftTokenManager;
  beforeAll(async () => {
    h = await startSyncHarness(
      { childFirst: 0, duplicateRate: 0 },
      {
        tokens: async (sandbox) => {
          bed = await tokenTestBed(sandbox);
          tokens = bed.instance();
          return tokens;
        },
      },
    );
  });
  afterAll(async () => h.stop());

  async function delegatedSource(kbId: string) {
    const c = h.sandbox.control;
    const user = await c.createUser({ displayName: kbId });
    const { driveId, rootId } = await c.createDrive({ driveType: 'business', ownerUserId: user.id });
    await c.createFile(driveId, rootId, 'a.txt', 'a');
    const key = { kbId, sourceId: 's' };
    const { refreshToken } = await c.issueRefreshToken({ userId: user.id, scopes: ['Files.Read.All'] });
    await tokens.storeGrant(key, { refreshToken, tenantId: h.sandbox.tenantId });
    await h.register({ ...key, driveId });
    return { key, userId: user.id };
  }

  async function jobDeps() {
    const storage = createStorageClients({ kind: 'connectionString', connectionString: storageConnectionString() });
    const syncQueue = uniqueName('syncjobs');
    const poisonQueue = storage.queue(`${syncQueue}-poison`);
    await poisonQueue.createIfNotExists();
    await storage.queue(syncQueue).createIfNotExists();
    const queueStorage = {
      ...storage,
      queue: (name: string) => storage.queue(name === 'sync-jobs' ? syncQueue : name),
    };
    const lines: string[] = [];
    const sink = (line: string) => lines.push(line);
    return {
      deps: {
        syncer: h.syncer(),
        syncJobs: new StorageSyncJobQueue(queueStorage),
        poisonQueue: new StoragePoisonQueue(poisonQueue),
        leaseSeconds: 30,
        log: createLogger({ debug: sink, info: sink, warn: sink, error: sink }),
      },
      poisonQueue,
      lines,
    };
  }

  async function tokenCallsFor(userId: string): Promise<number> {
    return (await h.sandbox.control.tokenLog()).filter((entry) => entry.userId === userId).length;
  }

  it('revoked grant (AADSTS50173): needs_reauth with the reason, job ends normally, no more token calls', async () => {
    const { key, userId } = await delegatedSource(uniqueName('kbrevoked'));
    const { deps, poisonQueue } = await jobDeps();
    expect(await runSyncJob(deps, { ...key, reason: 'registered' })).toMatchObject({
      kind: 'ran',
      outcome: { status: 'synced' },
    });
    await h.sandbox.control.revokeGrant(userId);
    await bed.advance(2 * 60 * 60 * 1000, true); // past the access token's lifetime: the next call must refresh
    const result = await runSyncJob(deps, { ...key, reason: 'poll' });
    expect(result).toMatchObject({ kind: 'ran', outcome: { status: 'needs_reauth' } });
    const source = (await h.sources.get(key))!.record;
    expect(source.state).toBe('needs_reauth');
    expect(source.stateReason).toContain('50173');
    const callsAfterFailure = await tokenCallsFor(userId);
    expect(callsAfterFailure).toBeGreaterThanOrEqual(2); // consent, then the refresh that failed
    for (let i = 0; i < 3; i++) {
      expect(await runSyncJob(deps, { ...key, reason: 'poll' })).toMatchObject({
        kind: 'ran',
        outcome: { status: 'skipped' },
      });
    }
    expect(await tokenCallsFor(userId)).toBe(callsAfterFailure);
    expect((await poisonQueue.peekMessages()).peekedMessageItems).toHaveLength(0);
  });

  it('grant idle for 90 days (AADSTS700082): needs_reauth with the reason, job ends normally', async () => {
    const { key } = await delegatedSource(uniqueName('kbidle'));
    const { deps, poisonQueue } = await jobDeps();
    expect(await runSyncJob(deps, { ...key, reason: 'registered' })).toMatchObject({
      kind: 'ran',
      outcome: { status: 'synced' },
    });
    await bed.advance(91 * DAY, true);
    const result = await runSyncJob(deps, { ...key, reason: 'poll' });
    expect(result).toMatchObject({ kind: 'ran', outcome: { status: 'needs_reauth' } });
    expect((await h.sources.get(key))!.record.stateReason).toContain('700082');
    expect((await poisonQueue.peekMessages()).peekedMessageItems).toHaveLength(0);
  });
});
