// The rest of the sources API through its use cases: feed paging, content proxy, the mass-delete
// confirmation, deletion and the sync-job handler, against the sandbox tenant and Azurite.
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceKey } from '../../../shared/core/domain/source.js';
import { feedQuerySchema, readFeed } from '../../../shared/core/feed/read-feed.js';
import { confirmDeletes } from '../../../shared/core/sources/confirm-deletes.js';
import { deleteSource } from '../../../shared/core/sources/delete-source.js';
import { openItemContent } from '../../../shared/core/sources/item-content.js';
import { registerSourceBodySchema } from '../../../shared/app/provider-registry.js';
import { registerSource } from '../../../shared/core/sources/register-source.js';
import { runSyncJob } from '../../../shared/core/sync/run-sync-job.js';
import { StoragePoisonQueue } from '../../../shared/adapters/azure-queues/poison-queue.js';
import { encodeMessage } from '../../../shared/adapters/azure-queues/queue-writer.js';
import { ReauthRequiredError } from '../../../shared/core/domain/errors.js';
import { syncLeaseKey } from '../../../shared/core/sync/sync-source.js';
import { startApiTestBed, type ApiTestBed } from './api-test-bed.js';
import { quietLogger } from '../../support/logger.js';

let bed: ApiTestBed;
// A low threshold so a handful of deletes trips the mass-delete guard.
beforeAll(async () => {
  bed = await startApiTestBed({ MASS_DELETE_MIN_ITEMS: '2', MASS_DELETE_RATIO: '0.5' });
});
afterAll(async () => bed.stop());

const log = quietLogger;
const leaseMs = 60_000;

async function driveWithFiles(names: string[]) {
  const c = bed.sandbox.control;
  const { driveId, rootId } = await c.createDrive({ driveType: 'business', ownerUserId: bed.sandbox.defaultUserId });
  const files = [];
  for (const name of names) files.push(await c.createFile(driveId, rootId, name, `content of ${name}`));
  return { driveId, rootId, files };
}

async function registeredAndSynced(driveId: string, extra: Record<string, unknown> = {}): Promise<SourceKey> {
  const key = bed.newSource();
  const body = registerSourceBodySchema.parse({
    type: 'onedrive',
    drive: { driveId },
    refreshToken: await bed.refreshToken(),
    ...extra,
  });
  expect((await registerSource(bed.registerDeps(), key, body)).kind).toBe('created');
  expect((await bed.services.syncer().run(key)).status).toBe('synced');
  return key;
}

describe('readFeed', () => {
  it('pages through every event in order, then reports no more', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `f${i}.txt`);
    const { driveId } = await driveWithFiles(names);
    const key = await registeredAndSynced(driveId);
    const seen: string[] = [];
    const cursors: string[] = [];
    let after = '0';
    for (let page = 0; page < 10; page++) {
      const result = await readFeed(bed.services, key.kbId, feedQuerySchema.parse({ after, limit: '3' }));
      if (result.kind !== 'page') throw new Error('unknown KB');
      seen.push(...result.page.events.map((event) => event.name ?? ''));
      cursors.push(...result.page.events.map((event) => event.cursor));
      after = result.page.nextCursor;
      if (!result.page.hasMore) break;
    }
    expect(seen.sort()).toEqual(names);
    // Opaque, but within one generation they sort as strings in feed order.
    expect(cursors).toEqual([...cursors].sort());
    const end = await readFeed(bed.services, key.kbId, feedQuerySchema.parse({ after }));
    expect(end).toMatchObject({ kind: 'page', page: { events: [], nextCursor: after, hasMore: false } });
  });

  it('knows no KB without sources, and refuses cursors that are not from the feed', async () => {
    expect(await readFeed(bed.services, 'kb-without-sources', feedQuerySchema.parse({}))).toEqual({
      kind: 'unknown_kb',
    });
    expect(feedQuerySchema.safeParse({ after: 'abc' }).success).toBe(false);
    expect(feedQuerySchema.safeParse({ limit: '1001' }).success).toBe(false);
    expect(feedQuerySchema.parse({})).toEqual({ after: '', limit: 100 });
  });
});

describe('openItemContent', () => {
  it('streams an included file, passes Range and If-None-Match, and refuses items outside the filters', async () => {
    const { driveId, files } = await driveWithFiles(['doc.txt', 'image.bin']);
    const key = await registeredAndSynced(driveId, { filters: { extensions: ['txt'] } });
    const [doc, image] = files;

    const whole = await openItemContent(bed.services, key, doc!.id, {});
    if (whole.kind !== 'content') throw new Error('expected content');
    expect(whole.response.status).toBe(200);
    expect(await text(whole.response.body!)).toBe('content of doc.txt');

    const part = await openItemContent(bed.services, key, doc!.id, { range: 'bytes=0-6' });
    if (part.kind !== 'content') throw new Error('expected content');
    expect(part.response.status).toBe(206);
    expect(part.response.headers['content-range']).toMatch(/^bytes 0-6\//);
    expect(await text(part.response.body!)).toBe('content');

    const etag = whole.response.headers.etag!;
    const unchanged = await openItemContent(bed.services, key, doc!.id, { ifNoneMatch: etag });
    expect(unchanged).toMatchObject({ kind: 'content', response: { status: 304 } });

    expect(await openItemContent(bed.services, key, image!.id, {})).toEqual({ kind: 'not_found', what: 'item' });
    expect(await openItemContent(bed.services, key, 'unknown-item', {})).toEqual({ kind: 'not_found', what: 'item' });
  });
});

describe('confirmDeletes', () => {
  it('releases held deletes: delete events in the feed, rows gone, source active with fewer items', async () => {
    const { driveId, files } = await driveWithFiles(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
    const key = await registeredAndSynced(driveId);
    for (const file of files.slice(0, 3)) await bed.sandbox.control.deleteItem(driveId, file.id);
    expect(await bed.services.syncer().run(key)).toMatchObject({ status: 'synced', held: 3 });
    expect((await bed.services.sources.get(key))!.record).toMatchObject({ state: 'held', heldDeleteCount: 3 });

    const lease = await bed.services.syncLeases.tryAcquire(syncLeaseKey(key), leaseMs);
    const deps = { ...bed.services, syncer: bed.services.syncer(), leaseMs };
    expect(await confirmDeletes(deps, key)).toEqual({ kind: 'busy' });
    await lease!.release();

    const result = await confirmDeletes(deps, key);
    expect(result).toMatchObject({ kind: 'released', released: 3, source: { state: 'active', itemCount: 1 } });
    const feed = await bed.services.feed.read(key.kbId, '', 100);
    const deletes = feed.events.filter((event) => event.op === 'delete').map((event) => event.itemId);
    expect(deletes.sort()).toEqual(
      files
        .slice(0, 3)
        .map((file) => file.id)
        .sort(),
    );
    expect(await bed.services.items.query(key, 'deleteHeld eq true')).toEqual([]);
    expect(await confirmDeletes(deps, key)).toMatchObject({ kind: 'nothing_held' });
  });
});

describe('deleteSource', () => {
  it('removes grant, items, events and the source; a second delete finds nothing', async () => {
    const { driveId } = await driveWithFiles(['x.txt', 'y.txt']);
    const key = await registeredAndSynced(driveId);
    const other = await registeredAndSynced(driveId);
    const deps = { ...bed.services, leaseMs, log };
    expect(await deleteSource(deps, key)).toEqual({ kind: 'deleted' });
    expect(await bed.services.sources.get(key)).toBeUndefined();
    expect(await bed.services.items.query(key)).toEqual([]);
    expect((await bed.services.feed.read(key.kbId, '', 100)).events).toEqual([]);
    await expect(bed.services.tokens.getAccessToken(key)).rejects.toBeInstanceOf(ReauthRequiredError);
    expect(await deleteSource(deps, key)).toEqual({ kind: 'not_found' });
    // Another source (another KB here) is untouched.
    expect((await bed.services.feed.read(other.kbId, '', 100)).events).toHaveLength(2);
  });

  it("also removes the source's subscription row, debounce state and maintenance marks", async () => {
    const { driveId } = await driveWithFiles(['s.txt']);
    const key = await registeredAndSynced(driveId);
    const notifications = bed.services;
    // A subscription id the sandbox does not know: deleting it in Graph answers 404, which counts as done.
    const subscriptionId = 'subscription-of-a-removed-source';
    await bed.services.sources.update(key, (record) => ({ ...record, subscriptionId }));
    await notifications.subscriptionStore.put({
      watchId: subscriptionId,
      ...key,
      secretSha256: '0'.repeat(64),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      createdAt: new Date().toISOString(),
    });
    expect(await notifications.debounceStore.write(key, { pendingSinceMs: 1, armId: 'arm' }, undefined)).toBe(true);
    await notifications.maintenanceMarks.mark(key, { pollQueuedAtMs: 1 });

    expect(await deleteSource({ ...bed.services, ...notifications, leaseMs, log }, key)).toEqual({ kind: 'deleted' });
    expect(await notifications.subscriptionStore.get(subscriptionId)).toBeUndefined();
    expect(await notifications.debounceStore.read(key)).toEqual({ state: {}, etag: undefined });
    expect(await notifications.maintenanceMarks.read(key)).toEqual({});
  });
});

describe('deleteSource without a working grant', () => {
  it('removes a source whose grant is dead even though its subscription cannot be deleted in Graph', async () => {
    const { driveId } = await driveWithFiles(['z.txt']);
    const key = await registeredAndSynced(driveId);
    const notifications = bed.services;
    const subscriptionId = 'subscription-of-a-source-in-needs-reauth';
    await bed.services.sources.update(key, (record) => ({
      ...record,
      subscriptionId,
      state: 'needs_reauth',
      stateReason: 'revoked',
    }));
    // The grant is gone: no token for the DELETE /subscriptions call (ReauthRequiredError).
    await bed.services.tokens.revoke(key);
    expect(await deleteSource({ ...bed.services, ...notifications, leaseMs, log }, key)).toEqual({ kind: 'deleted' });
    expect(await bed.services.sources.get(key)).toBeUndefined();
  });
});

describe('runSyncJob', () => {
  const deps = () => ({
    syncer: bed.services.syncer(log),
    syncJobs: bed.services.syncJobs,
    poisonQueue: new StoragePoisonQueue(bed.services.storage.queue('sync-jobs-poison')),
    leaseSeconds: 60,
    log,
  });

  it('sends a malformed message to the poison queue without throwing', async () => {
    await bed.drainQueue('sync-jobs-poison');
    expect(await runSyncJob(deps(), { kbId: '../etc', reason: 'whatever' })).toEqual({ kind: 'poisoned' });
    const poisoned = (await bed.drainQueue('sync-jobs-poison')) as Array<{ rejected: string; problem: string }>;
    expect(poisoned).toHaveLength(1);
    expect(poisoned[0]!.rejected).toContain('../etc');
    expect(poisoned[0]!.problem).toMatch(/kbId/);
    // The raw text the host hands over when the body is not JSON is poisoned as well.
    expect(await runSyncJob(deps(), encodeMessage('x').slice(0, 3))).toEqual({ kind: 'poisoned' });
  });

  it('syncs a valid job, and re-queues every job that finds another sync holding the lease', async () => {
    const { driveId } = await driveWithFiles(['one.txt']);
    const key = await registeredAndSynced(driveId);
    await bed.syncJobs();
    expect(await runSyncJob(deps(), { ...key, reason: 'sync-now' })).toMatchObject({
      kind: 'ran',
      outcome: { status: 'synced' },
      followUpQueued: false,
    });
    const lease = await bed.services.syncLeases.tryAcquire(syncLeaseKey(key), leaseMs);
    try {
      expect(await runSyncJob(deps(), { ...key, reason: 'poll' })).toMatchObject({
        outcome: { status: 'busy' },
        followUpQueued: true,
      });
      // A follow-up (written by earlier versions) is re-queued too: dropping it lost the request (issue 10).
      expect(await runSyncJob(deps(), { ...key, reason: 'follow-up' })).toMatchObject({
        outcome: { status: 'busy' },
        followUpQueued: true,
      });
    } finally {
      await lease!.release();
    }
    // Both wait (invisible) until the lease would lapse, so they are not in the visible messages yet.
    const props = await bed.services.storage.queue('sync-jobs').getProperties();
    expect(props.approximateMessagesCount).toBe(2);
    expect((await bed.services.storage.queue('sync-jobs').peekMessages()).peekedMessageItems).toHaveLength(0);
  });
});
