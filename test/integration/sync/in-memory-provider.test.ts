// Issue 11 "Must show": the sync engine's exact-feed and crash-at-every-step scenarios, run against a
// provider that is not a drive (test/support/in-memory-provider.ts: flat messages, one cursor per
// channel, content versioned by revision, its own watch policy), with the real stores on Azurite.
import { createHash } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeedStore } from '../../../shared/adapters/azure-tables/change-feed-store.js';
import { ItemStore } from '../../../shared/adapters/azure-tables/item-store.js';
import { SourceStore } from '../../../shared/adapters/azure-tables/source-store.js';
import { SubscriptionStore } from '../../../shared/adapters/azure-tables/subscription-store.js';
import { TableLeaseStore } from '../../../shared/adapters/azure-tables/table-lease.js';
import { createLogger } from '../../../shared/adapters/logging/logger.js';
import { StaticProviderRegistry } from '../../../shared/app/provider-registry.js';
import type { ChangeEvent } from '../../../shared/core/domain/change-event.js';
import type { SourceKey } from '../../../shared/core/domain/source.js';
import { SourceSyncer, type SyncFaultHook } from '../../../shared/core/sync/sync-source.js';
import { WatchManager } from '../../../shared/core/watch/watch-manager.js';
import { crashAt, expectRepeatsShareIds, hostView, runUntilSynced } from '../../support/crash-points.js';
import {
  DIRECTORY_CURSOR,
  IN_MEMORY_TYPE,
  InMemoryProvider,
  InMemoryWorkspace,
} from '../../support/in-memory-provider.js';
import { sourceRecord } from '../../support/source-record.js';
import { freshTable, uniqueName } from '../../support/storage.js';
import { describeEvents, readWholeFeed } from '../../support/sync-harness.js';

const CHANNELS = ['general', 'random'] as const;

describe('the sync engine on a provider that is not a drive', () => {
  let sources: SourceStore;
  let items: ItemStore;
  let feed: ChangeFeedStore;
  let leases: TableLeaseStore;
  let provider: InMemoryProvider;
  const logLines: string[] = [];

  beforeAll(async () => {
    sources = new SourceStore(await freshTable('sources'));
    items = new ItemStore(await freshTable('items'));
    feed = new ChangeFeedStore(await freshTable('changes'), await freshTable('counters'));
    leases = new TableLeaseStore(await freshTable('leases'), 'sync');
    provider = new InMemoryProvider(2);
  });
  afterEach(() => void logLines.splice(0));

  const providers = () => new StaticProviderRegistry({ [IN_MEMORY_TYPE]: provider });
  const harness = {
    syncer: (faults?: SyncFaultHook) =>
      new SourceSyncer({
        sources,
        items,
        feed,
        leases,
        providers: providers(),
        log: createLogger({
          debug: (l: string) => logLines.push(l),
          info: (l: string) => logLines.push(l),
          warn: (l: string) => logLines.push(l),
          error: (l: string) => logLines.push(l),
        }),
        leaseMs: 30_000,
        massDeleteRatio: 0.5,
        massDeleteMinItems: 100,
        // Write every page, so every page has fault points.
        flushSize: 1,
        faults,
      }),
  };

  /** A workspace with two channels, registered as a source of its own knowledge base. */
  async function register(
    prefix: string,
    channels: readonly string[] = CHANNELS,
  ): Promise<{ key: SourceKey; workspace: InMemoryWorkspace }> {
    const workspace = new InMemoryWorkspace(uniqueName(prefix), CHANNELS);
    provider.addWorkspace(workspace);
    const key = { kbId: uniqueName('kb'), sourceId: 'chat' };
    const location = provider.locationSchema.parse({ workspace: workspace.name, channels: [...channels] });
    await sources.put(
      sourceRecord({
        ...key,
        type: IN_MEMORY_TYPE,
        location,
        resolvedLocation: await provider.resolveLocation(key, location),
      }),
    );
    return { key, workspace };
  }

  const allEvents = (kbId: string): Promise<ChangeEvent[]> => readWholeFeed(feed, kbId);

  async function syncAndTakeNewEvents(key: SourceKey, seen: { count: number }): Promise<string[]> {
    expect((await harness.syncer().run(key)).status).toBe('synced');
    const all = await allEvents(key.kbId);
    const fresh = all.slice(seen.count);
    seen.count = all.length;
    return describeEvents(fresh).sort();
  }

  it('crawls every channel, then reports posts, edits, renames and deletes exactly', async () => {
    const { key, workspace } = await register('ws');
    const hello = workspace.post('general', 'hello', 'hello, world');
    const plans = workspace.post('general', 'plans', 'the plan');
    workspace.post('general', 'notes', 'some notes');
    const cat = workspace.post('random', 'cat', 'a cat picture');
    const seen = { count: 0 };

    expect(await syncAndTakeNewEvents(key, seen)).toEqual(
      ['upsert /cat content', 'upsert /hello content', 'upsert /notes content', 'upsert /plans content'].sort(),
    );
    const crawl = await allEvents(key.kbId);
    const helloEvent = crawl.find((event) => event.itemId === hello.id)!;
    expect(helloEvent).toMatchObject({
      schemaVersion: 1,
      kind: 'message',
      quickXorHash: null,
      contentHash: { algorithm: 'sha256', value: createHash('sha256').update('hello, world').digest('base64') },
      message: { conversationId: 'general', from: 'alex', subject: 'hello' },
    });
    const stored = (await sources.get(key))!.record;
    expect(Object.keys(stored.cursors ?? {}).sort()).toEqual([...CHANNELS]);
    expect(Object.values(stored.cursors ?? {}).map((cursor) => cursor.kind)).toEqual(['final', 'final']);
    expect(await syncAndTakeNewEvents(key, seen)).toEqual([]);

    workspace.post('random', 'dog', 'a dog picture');
    expect(await syncAndTakeNewEvents(key, seen)).toEqual(['upsert /dog content']);

    workspace.edit(plans.id, 'the new plan');
    expect(await syncAndTakeNewEvents(key, seen)).toEqual(['upsert /plans content']);

    // The provider's rule: a rename keeps the revision, so it is metadata only.
    workspace.rename(hello.id, 'greeting');
    expect(await syncAndTakeNewEvents(key, seen)).toEqual(['upsert /greeting meta']);

    workspace.remove(cat.id);
    expect(await syncAndTakeNewEvents(key, seen)).toEqual(['delete /cat']);

    // One channel forgets its history: only it is enumerated again, and only its differences are
    // reported; the other channel's messages are not deleted by its resync.
    workspace.remove(plans.id);
    const late = workspace.post('general', 'late', 'posted while expired');
    workspace.expireCursors('general');
    expect(await syncAndTakeNewEvents(key, seen)).toEqual(['delete /plans', 'upsert /late content']);
    expect(logLines.some((line) => line.includes('sync.resync'))).toBe(true);
    const host = hostView(await allEvents(key.kbId));
    expect([...host.keys()].sort()).toEqual(
      workspace
        .allMessages()
        .map((m) => m.id)
        .sort(),
    );
    expect(host.get(late.id)).toBe('/late');
  });

  it('loses nothing when a crawl of several cursors crashes at any step, and repeats carry the same eventId', async () => {
    const build = (workspace: InMemoryWorkspace) => {
      for (let i = 0; i < 5; i++) workspace.post('general', `g${i}`, `general ${i}`);
      for (let i = 0; i < 4; i++) workspace.post('random', `r${i}`, `random ${i}`);
    };
    const probe = await register('probe');
    build(probe.workspace);
    let points = 0;
    await harness.syncer(() => void points++).run(probe.key);
    // Pages of two: three in one channel, two in the other, each with its fault points.
    expect(points).toBeGreaterThan(12);
    for (let k = 1; k <= points; k++) {
      const { key, workspace } = await register(`crash${k}`);
      build(workspace);
      const crash = crashAt(k);
      await runUntilSynced(harness, key, crash.hook);
      expect(crash.hit()).toBe(true);
      const events = await allEvents(key.kbId);
      expect([...hostView(events).keys()].sort(), `crash at point ${k}`).toEqual(
        workspace
          .allMessages()
          .map((m) => m.id)
          .sort(),
      );
      expectRepeatsShareIds(events);
    }
  });

  it('loses nothing when an incremental sync of several cursors crashes at any step', async () => {
    const build = (workspace: InMemoryWorkspace) => {
      const posted = [];
      for (let i = 0; i < 4; i++) posted.push(workspace.post('general', `g${i}`, `general ${i}`));
      for (let i = 0; i < 4; i++) posted.push(workspace.post('random', `r${i}`, `random ${i}`));
      return posted;
    };
    const mutate = (workspace: InMemoryWorkspace, posted: { id: string }[]) => {
      workspace.rename(posted[0]!.id, 'renamed');
      workspace.edit(posted[1]!.id, 'edited');
      workspace.remove(posted[2]!.id);
      workspace.post('general', 'created', 'created');
      workspace.edit(posted[5]!.id, 'edited too');
      workspace.remove(posted[6]!.id);
      workspace.post('random', 'created-r', 'created');
    };
    const probe = await register('iprobe');
    const probePosted = build(probe.workspace);
    await runUntilSynced(harness, probe.key);
    mutate(probe.workspace, probePosted);
    let points = 0;
    await harness.syncer(() => void points++).run(probe.key);
    const expected = hostView(await allEvents(probe.key.kbId));
    expect(points).toBeGreaterThan(8);
    for (let k = 1; k <= points; k++) {
      const { key, workspace } = await register(`icrash${k}`);
      const posted = build(workspace);
      await runUntilSynced(harness, key);
      mutate(workspace, posted);
      const crash = crashAt(k);
      await runUntilSynced(harness, key, crash.hook);
      expect(crash.hit()).toBe(true);
      const events = await allEvents(key.kbId);
      expect([...hostView(events).values()].sort(), `crash at point ${k}`).toEqual([...expected.values()].sort());
      expectRepeatsShareIds(events);
      // A host that downloads on contentChanged gets the edited text: the last event of each edited
      // message since the crash says so.
      const edited = events.filter((e) => e.itemId === posted[1]!.id);
      expect(edited.at(-1)?.contentChanged).toBe(true);
    }
  });

  it('a source of every channel takes up channels opened later and retires archived ones, deleting their messages', async () => {
    const { key, workspace } = await register('dir', ['*']);
    workspace.post('general', 'hello', 'hello');
    const cat = workspace.post('random', 'cat', 'a cat');
    const seen = { count: 0 };
    expect(await syncAndTakeNewEvents(key, seen)).toEqual(['upsert /cat content', 'upsert /hello content']);
    let stored = (await sources.get(key))!.record;
    expect(Object.keys(stored.cursors ?? {}).sort()).toEqual([DIRECTORY_CURSOR, 'general', 'random'].sort());

    // Opened after the crawl: the directory's page adds its cursor, which the same run enumerates.
    workspace.openChannel('news');
    workspace.post('news', 'launch', 'we launched');
    workspace.post('news', 'party', 'and a party');
    expect(await syncAndTakeNewEvents(key, seen)).toEqual(['upsert /launch content', 'upsert /party content']);

    // Archived: its messages are deleted and its cursor is forgotten; the others are untouched. (The
    // dog was posted and archived between two syncs: the host never saw it, so it gets no delete.)
    workspace.post('random', 'dog', 'a dog');
    workspace.archiveChannel('random');
    expect(await syncAndTakeNewEvents(key, seen)).toEqual(['delete /cat']);
    stored = (await sources.get(key))!.record;
    expect(Object.keys(stored.cursors ?? {}).sort()).toEqual([DIRECTORY_CURSOR, 'general', 'news'].sort());
    expect(Object.values(stored.cursors ?? {}).every((cursor) => cursor.kind === 'final')).toBe(true);
    expect(hostView(await allEvents(key.kbId)).has(cat.id)).toBe(false);
    expect([...hostView(await allEvents(key.kbId)).keys()].sort()).toEqual(
      workspace
        .allMessages()
        .map((m) => m.id)
        .sort(),
    );
    expect(await syncAndTakeNewEvents(key, seen)).toEqual([]);
  });

  it('a channel archived during a run retires its own cursor in that run', async () => {
    const { key, workspace } = await register('self', ['*']);
    workspace.post('general', 'g', 'general');
    workspace.post('random', 'r', 'random');
    const seen = { count: 0 };
    expect(await syncAndTakeNewEvents(key, seen)).toEqual(['upsert /g content', 'upsert /r content']);
    const order = (await sources.get(key))!.record.cursors ?? {};
    // Archived after the directory's page was read, before the channel's own page is asked for.
    const fetches: number[] = [];
    const archiveBeforeRandom = (step: string, page: number) => {
      if (step !== 'fetch') return;
      fetches.push(page);
      if (fetches.length === 1 + Object.keys(order).indexOf('random')) workspace.archiveChannel('random');
    };
    expect((await harness.syncer(archiveBeforeRandom).run(key)).status).toBe('synced');
    const all = await allEvents(key.kbId);
    expect(describeEvents(all.slice(seen.count))).toEqual(['delete /r']);
    seen.count = all.length;
    expect(Object.keys((await sources.get(key))!.record.cursors ?? {}).sort()).toEqual(
      [DIRECTORY_CURSOR, 'general'].sort(),
    );
    // The directory reports the archive next time: nothing more for the host.
    expect(await syncAndTakeNewEvents(key, seen)).toEqual([]);
  });

  it('loses nothing when a sync that opens and archives channels crashes at any step', async () => {
    const build = async (prefix: string) => {
      const registered = await register(prefix, ['*']);
      for (let i = 0; i < 3; i++) registered.workspace.post('general', `g${i}`, `general ${i}`);
      for (let i = 0; i < 3; i++) registered.workspace.post('random', `r${i}`, `random ${i}`);
      await runUntilSynced(harness, registered.key);
      return registered;
    };
    const mutate = (workspace: InMemoryWorkspace) => {
      workspace.openChannel('news');
      for (let i = 0; i < 3; i++) workspace.post('news', `n${i}`, `news ${i}`);
      workspace.archiveChannel('random');
      workspace.post('general', 'late', 'late');
    };
    const probe = await build('dprobe');
    mutate(probe.workspace);
    let points = 0;
    await harness.syncer(() => void points++).run(probe.key);
    const expected = hostView(await allEvents(probe.key.kbId));
    expect([...expected.keys()].sort()).toEqual(
      probe.workspace
        .allMessages()
        .map((m) => m.id)
        .sort(),
    );
    expect(points).toBeGreaterThan(8);
    for (let k = 1; k <= points; k++) {
      const { key, workspace } = await build(`dcrash${k}`);
      mutate(workspace);
      const crash = crashAt(k);
      await runUntilSynced(harness, key, crash.hook);
      expect(crash.hit()).toBe(true);
      const events = await allEvents(key.kbId);
      expect([...hostView(events).values()].sort(), `crash at point ${k}`).toEqual([...expected.values()].sort());
      expectRepeatsShareIds(events);
      const cursors = Object.keys((await sources.get(key))!.record.cursors ?? {}).sort();
      expect(cursors, `crash at point ${k}`).toEqual([DIRECTORY_CURSOR, 'general', 'news'].sort());
    }
  });

  it('is watched by the watch manager under its own policy: no lifecycle URL, extended by recreating', async () => {
    const { key } = await register('watched');
    await sources.update(key, (record) => ({ ...record, mode: 'webhook' }));
    const watches = new SubscriptionStore(await freshTable('subs'));
    let now = Date.parse('2026-06-01T00:00:00Z');
    const synced: string[] = [];
    const manager = new WatchManager({
      sources,
      watches,
      providers: providers(),
      leases: new TableLeaseStore(await freshTable('leases'), 'subscription'),
      enqueueSync: async (_key, reason) => void synced.push(reason),
      publicBaseUrl: 'https://kbsync.example/',
      renewBeforeMinutes: 30,
      checkIntervalMinutes: 24 * 60,
      log: createLogger({ debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }),
      now: () => now,
    });
    expect(await manager.maintain(key)).toBe('created');
    const [first] = [...provider.watch.live.entries()].filter(([, request]) =>
      request.callbackUrl.includes(IN_MEMORY_TYPE),
    );
    expect(first).toBeDefined();
    const [firstId, request] = first!;
    expect(request.callbackUrl).toBe(`https://kbsync.example/api/webhooks/${IN_MEMORY_TYPE}`);
    expect(request).not.toHaveProperty('lifecycleUrl');
    // The policy's lifetime (an hour) less its margin (a minute).
    expect(Date.parse(request.expiresAt) - now).toBe(59 * 60 * 1000);
    expect((await sources.get(key))!.record.subscriptionId).toBe(firstId);

    // Within the renewal window: a provider that cannot renew in place gets a new watch instead.
    now += 45 * 60 * 1000;
    expect(await manager.maintain(key)).toBe('renewed');
    const replaced = (await sources.get(key))!.record.subscriptionId;
    expect(replaced).toBeDefined();
    expect(replaced).not.toBe(firstId);
    expect(provider.watch.live.has(firstId)).toBe(false);
    expect(provider.watch.live.has(replaced!)).toBe(true);
  });
});
