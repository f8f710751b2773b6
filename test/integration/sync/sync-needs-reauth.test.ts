// Issue 5 "Must show": a revoked grant (AADSTS50173) and a 90-day-idle grant (AADSTS700082) put the
// source in needs_reauth with the reason; the sync job ends normally (no retry, nothing poisoned),
// and later jobs for the source make no token call at all. Issue 10 item 1: when Graph refuses the
// cached access token before it expires (continuous access evaluation, clocks apart), the same sync
// drops it, refreshes once and retries once: needs_reauth at once for a revoked grant, success for a
// live one. Real token manager, real sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoragePoisonQueue } from '../../../shared/adapters/azure-queues/poison-queue.js';
import { StorageSyncJobQueue } from '../../../shared/adapters/azure-queues/sync-job-queue.js';
import { runSyncJob } from '../../../shared/core/sync/run-sync-job.js';
import { createStorageClients } from '../../../shared/adapters/storage/storage-clients.js';
import type { RefreshingTokenManager } from '../../../shared/core/tokens/refreshing-token-manager.js';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';
import { storageConnectionString, uniqueName } from '../../support/storage.js';
import { capturingLogger } from '../../support/logger.js';
import { tokenTestBed, type TokenTestBed } from '../tokens/token-harness.js';

const DAY = 24 * 60 * 60 * 1000;

describe('a permanently invalid grant during sync', () => {
  let h: SyncHarness;
  let bed: TokenTestBed;
  let tokens: RefreshingTokenManager;
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
    return { key, userId: user.id, driveId, rootId };
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
    return {
      deps: {
        syncer: h.syncer(),
        syncJobs: new StorageSyncJobQueue(queueStorage),
        poisonQueue: new StoragePoisonQueue(poisonQueue),
        leaseSeconds: 30,
        log: capturingLogger(lines),
      },
      poisonQueue,
      lines,
    };
  }

  async function tokenCallsFor(userId: string): Promise<number> {
    return (await h.sandbox.control.tokenLog()).filter((entry) => entry.userId === userId).length;
  }

  async function refreshOutcomesFor(userId: string): Promise<string[]> {
    return (await h.sandbox.control.tokenLog())
      .filter((entry) => entry.userId === userId && entry.grantType === 'refresh_token')
      .map((entry) => entry.outcome);
  }

  /** By drive: a refused request is logged without a user (its token named none Graph accepts). */
  async function deltaStatusesFor(driveId: string): Promise<number[]> {
    return (await h.sandbox.control.requestLog())
      .filter((entry) => entry.path.includes(`/drives/${driveId}/root/delta`))
      .map((entry) => entry.status);
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

  it('grant revoked together with its access tokens (continuous access evaluation): needs_reauth in that same sync', async () => {
    const { key, userId, driveId } = await delegatedSource(uniqueName('kbcae'));
    const { deps, poisonQueue } = await jobDeps();
    expect(await runSyncJob(deps, { ...key, reason: 'registered' })).toMatchObject({
      kind: 'ran',
      outcome: { status: 'synced' },
    });
    expect(await refreshOutcomesFor(userId)).toEqual(['ok']);
    const { accessToken: cached } = (await bed.stored(key))!;
    await h.sandbox.control.revokeGrant(userId, { revokeAccessTokens: true });
    await h.sandbox.control.clearRequestLog();
    // No clock moves: the cached access token has an hour left, and Graph refuses it now.
    const result = await runSyncJob(deps, { ...key, reason: 'poll' });
    expect(result).toMatchObject({ kind: 'ran', outcome: { status: 'needs_reauth' } });
    const source = (await h.sources.get(key))!.record;
    expect(source.state).toBe('needs_reauth');
    expect(source.stateReason).toContain('50173');
    // One 401, then one refresh that the token endpoint refused; the refused token is gone.
    expect(await deltaStatusesFor(driveId)).toEqual([401]);
    expect(await refreshOutcomesFor(userId)).toEqual(['ok', 'invalid_grant AADSTS50173']);
    const stored = await bed.stored(key);
    expect(cached).toEqual(expect.any(String));
    expect(stored?.accessToken).toBeUndefined();
    expect(stored?.invalid).toMatchObject({ code: 50173 });
    expect((await poisonQueue.peekMessages()).peekedMessageItems).toHaveLength(0);
  });

  it('a live grant whose access token Graph refuses early: one refresh, one retry, and the same sync succeeds', async () => {
    const { key, userId, driveId, rootId } = await delegatedSource(uniqueName('kbrefused'));
    const { deps } = await jobDeps();
    expect(await runSyncJob(deps, { ...key, reason: 'registered' })).toMatchObject({
      kind: 'ran',
      outcome: { status: 'synced' },
    });
    const { accessToken: refused } = (await bed.stored(key))!;
    await h.sandbox.control.createFile(driveId, rootId, 'b.txt', 'b');
    await h.sandbox.control.clearRequestLog();
    // Graph's clock runs 2 h ahead of this instance's: to Graph the cached token has expired, to the
    // token manager it still has most of its lifetime.
    await h.sandbox.control.advanceClock(2 * 60 * 60 * 1000);
    try {
      const result = await runSyncJob(deps, { ...key, reason: 'poll' });
      expect(result).toMatchObject({ kind: 'ran', outcome: { status: 'synced', events: 1 } });
      expect(await deltaStatusesFor(driveId)).toEqual([401, 200]);
      expect(await refreshOutcomesFor(userId)).toEqual(['ok', 'ok']);
      const stored = await bed.stored(key);
      expect(stored?.accessToken).toEqual(expect.any(String));
      expect(stored?.accessToken).not.toBe(refused);
      const source = (await h.sources.get(key))!.record;
      expect(source.state).toBe('active');
      expect(source.lastSyncResult).toBe('ok');
    } finally {
      await bed.advance(2 * 60 * 60 * 1000); // this side catches up with the sandbox's clock
    }
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
