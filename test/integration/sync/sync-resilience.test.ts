// Issue 4 "Must show": 410 mid-crawl and on an old deltaLink, crashes at every step of a multi-page
// sync, two workers on one source, and the mass-delete guard, all against the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncFaultHook } from '../../../shared/core/sync/sync-source.js';
import { describeEvents, startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';
import { crashAt, expectRepeatsShareIds, hostView, InjectedCrash, runUntilSynced } from '../../support/crash-points.js';

const DAY = 24 * 60 * 60 * 1000;

async function buildDrive(h: SyncHarness, files: number) {
  const c = h.sandbox.control;
  const { driveId, rootId } = await c.createDrive({ driveType: 'business' });
  const folders = [await c.createFolder(driveId, rootId, 'F0'), await c.createFolder(driveId, rootId, 'F1')];
  const created = [];
  for (let i = 0; i < files; i++)
    created.push(await c.createFile(driveId, folders[i % 2]!.id, `file-${i}.txt`, `content ${i}`));
  return { driveId, rootId, folders, files: created };
}

const unpleasant = { defaultPageSize: 3, pageSizeJitter: 0.3, duplicateRate: 0.2, childFirst: 0.4 };
/** Same page count every run, so fault point k exists for every drive of the loop. */
const steadyPages = { defaultPageSize: 3, pageSizeJitter: 0, duplicateRate: 0, childFirst: 0.4 };

describe('sync resilience', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness(unpleasant);
  });
  afterAll(async () => h.stop());

  it('restarts after 410 in the middle of a crawl and deletes what the fresh enumeration lacks', async () => {
    const d = await buildDrive(h, 10);
    const key = { kbId: 'kb410a', sourceId: 's' };
    await h.register({ ...key, driveId: d.driveId });
    // Crawl part-way (crash before the fifth page's fetch), then the tokens expire and a file goes.
    // Parents first here, so files crawled before the crash are already in the feed.
    await h.sandbox.control.settings({ childFirst: 0, duplicateRate: 0, pageSizeJitter: 0 });
    const partial = crashAt(17);
    await expect(h.syncer(partial.hook).run(key)).rejects.toThrow(InjectedCrash);
    await h.sandbox.control.settings(unpleasant);
    const before = hostView(await h.allEvents(key.kbId));
    expect(before.size).toBeGreaterThan(0);
    const gone = d.files.find((f) => before.has(f.id))!;
    await h.sandbox.control.deleteItem(d.driveId, gone.id);
    await h.sandbox.control.expireDeltaTokens(d.driveId);
    await runUntilSynced(h, key);
    const after = hostView(await h.allEvents(key.kbId));
    expect([...after.keys()].sort()).toEqual(
      d.files
        .filter((f) => f.id !== gone.id)
        .map((f) => f.id)
        .sort(),
    );
    expect(h.logLines.some((line) => line.includes('sync.resync'))).toBe(true);
  });

  it('resyncs after 410 on an old deltaLink and reports only the differences', async () => {
    const d = await buildDrive(h, 8);
    const key = { kbId: 'kb410b', sourceId: 's' };
    await h.register({ ...key, driveId: d.driveId });
    await runUntilSynced(h, key);
    const seen = (await h.allEvents(key.kbId)).length;
    await h.sandbox.control.deleteItem(d.driveId, d.files[0]!.id);
    const added = await h.sandbox.control.createFile(d.driveId, d.rootId, 'added.txt', 'new');
    await h.sandbox.control.advanceClock(31 * DAY);
    const requestsBefore = (await h.sandbox.control.requestLog()).length;
    await runUntilSynced(h, key);
    const log = (await h.sandbox.control.requestLog()).slice(requestsBefore);
    expect(log.some((entry) => entry.status === 410)).toBe(true);
    const fresh = (await h.allEvents(key.kbId)).slice(seen);
    expect(describeEvents(fresh).sort()).toEqual(['delete /F0/file-0.txt', 'upsert /added.txt content']);
    expect(fresh.find((e) => e.op === 'upsert')?.itemId).toBe(added.id);
  });

  it('loses nothing when a crawl crashes at any step, and repeats carry the same eventId', async () => {
    await h.sandbox.control.settings(steadyPages);
    // Count the fault points of a clean multi-page crawl first.
    const probe = await buildDrive(h, 9);
    let points = 0;
    const probeKey = { kbId: 'kbprobe', sourceId: 's' };
    await h.register({ ...probeKey, driveId: probe.driveId });
    await h.syncer(() => void points++).run(probeKey);
    expect(points).toBeGreaterThan(8);
    for (let k = 1; k <= points; k++) {
      const d = await buildDrive(h, 9);
      const key = { kbId: `kbcrash${k}`, sourceId: 's' };
      await h.register({ ...key, driveId: d.driveId });
      const crash = crashAt(k);
      await runUntilSynced(h, key, crash.hook);
      expect(crash.hit()).toBe(true);
      const events = await h.allEvents(key.kbId);
      expect([...hostView(events).keys()].sort(), `crash at point ${k}`).toEqual(d.files.map((f) => f.id).sort());
      expectRepeatsShareIds(events);
    }
  });

  it('loses nothing when an incremental sync crashes at any step', async () => {
    await h.sandbox.control.settings(steadyPages);
    const mutate = async (d: Awaited<ReturnType<typeof buildDrive>>) => {
      const c = h.sandbox.control;
      await c.rename(d.driveId, d.files[1]!.id, 'renamed.txt');
      await c.updateFile(d.driveId, d.files[2]!.id, 'edited');
      await c.deleteItem(d.driveId, d.files[3]!.id);
      await c.move(d.driveId, d.files[4]!.id, d.folders[1]!.id);
      await c.createFile(d.driveId, d.folders[0]!.id, 'created.txt', 'created');
      await c.rename(d.driveId, d.folders[0]!.id, 'F0-renamed');
    };
    const probe = await buildDrive(h, 6);
    const probeKey = { kbId: 'kbiprobe', sourceId: 's' };
    await h.register({ ...probeKey, driveId: probe.driveId });
    await runUntilSynced(h, probeKey);
    await mutate(probe);
    let points = 0;
    await h.syncer(() => void points++).run(probeKey);
    const expected = hostView(await h.allEvents(probeKey.kbId));
    for (let k = 1; k <= points; k++) {
      const d = await buildDrive(h, 6);
      const key = { kbId: `kbicrash${k}`, sourceId: 's' };
      await h.register({ ...key, driveId: d.driveId });
      await runUntilSynced(h, key);
      await mutate(d);
      const crash = crashAt(k);
      await runUntilSynced(h, key, crash.hook);
      expect(crash.hit()).toBe(true);
      const events = await h.allEvents(key.kbId);
      const view = hostView(events);
      expect([...view.values()].sort(), `crash at point ${k}`).toEqual([...expected.values()].sort());
      expectRepeatsShareIds(events);
    }
  });

  it('lets one of two workers on the same source sync while the other backs off', async () => {
    await h.sandbox.control.settings(unpleasant);
    const d = await buildDrive(h, 30);
    const key = { kbId: 'kbtwo', sourceId: 's' };
    await h.register({ ...key, driveId: d.driveId });
    const outcomes = await Promise.all([h.syncer().run(key), h.syncer().run(key)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['busy', 'synced']);
    expect(hostView(await h.allEvents(key.kbId)).size).toBe(30);
  });

  it('puts a source in error back to active once a sync of it succeeds', async () => {
    const d = await buildDrive(h, 2);
    const key = { kbId: 'kberror', sourceId: 's' };
    await h.register({ ...key, driveId: d.driveId });
    // What a PermanentSourceError (access denied) leaves; access has been granted again since.
    await h.sources.update(key, (record) => ({ ...record, state: 'error', stateReason: 'access denied (403)' }));
    expect(await h.syncer().run(key)).toMatchObject({ status: 'synced' });
    const record = (await h.sources.get(key))!.record;
    expect(record.state).toBe('active');
    expect(record.stateReason).toBeUndefined();
  });

  it('keeps credentials quoted by an unexpected error out of lastError, which the status API shows', async () => {
    const d = await buildDrive(h, 1);
    const key = { kbId: 'kbleak', sourceId: 's' };
    await h.register({ ...key, driveId: d.driveId });
    const secret = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';
    const failing: SyncFaultHook = (step) => {
      if (step === 'fetch') throw new Error(`request failed: Authorization: Bearer ${secret}`);
    };
    await expect(h.syncer(failing).run(key)).rejects.toThrow('request failed');
    const record = (await h.sources.get(key))!.record;
    expect(record.lastError).toContain('request failed');
    expect(record.lastError).not.toContain(secret);
  });

  it('holds a mass delete until confirmed, then releases every delete', async () => {
    const d = await buildDrive(h, 10);
    const key = { kbId: 'kbmass', sourceId: 's' };
    await h.register({ ...key, driveId: d.driveId });
    const syncer = h.syncer(undefined, { massDeleteMinItems: 3, massDeleteRatio: 0.5 });
    await syncer.run(key);
    const seen = (await h.allEvents(key.kbId)).length;
    await h.sandbox.control.deleteItem(d.driveId, d.folders[0]!.id); // 5 of 10 files
    await h.sandbox.control.deleteItem(d.driveId, d.files[1]!.id); // a 6th
    const outcome = await syncer.run(key);
    expect(outcome).toMatchObject({ status: 'synced', held: 6 });
    expect((await h.allEvents(key.kbId)).slice(seen)).toEqual([]);
    const held = await h.sources.get(key);
    expect(held?.record.state).toBe('held');
    expect(held?.record.stateReason).toContain('6 of 10');
    // A later sync keeps holding them.
    expect(await syncer.run(key)).toMatchObject({ status: 'synced', held: 6 });
    // Confirmation (the API calls this) releases them.
    const rows = await h.items.query(held!.record, 'deleteHeld eq true');
    await syncer.releaseDeletes(key, rows);
    expect(describeEvents((await h.allEvents(key.kbId)).slice(seen))).toHaveLength(6);
  });
});
