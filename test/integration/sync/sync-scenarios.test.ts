// Issue 4 "Must show": the feed after a crawl and after each kind of change equals the exact
// expected events, on a personal drive, a business drive and a folder-scoped source, with the
// sandbox serving small pages, duplicates and children before parents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEvents, foldFeed, startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';
import { driveView } from '../../support/source-record.js';

const unpleasant = { defaultPageSize: 3, pageSizeJitter: 0.5, duplicateRate: 0.3, childFirst: 0.6 };

async function syncAndTakeNewEvents(h: SyncHarness, seen: { count: number }, sourceId = 'src'): Promise<string[]> {
  // Gather a few pages per write, so the read-through of unwritten rows is exercised too.
  const outcome = await h.syncer(undefined, { flushSize: 7 }).run({ kbId: 'kb', sourceId });
  expect(outcome.status).toBe('synced');
  const all = await h.allEvents();
  const fresh = all.slice(seen.count);
  seen.count = all.length;
  // A replay could repeat an event; none happens without a crash, so the list is exact.
  return describeEvents(fresh).sort();
}

for (const driveType of ['personal', 'business'] as const) {
  describe(`sync scenarios on a ${driveType} drive`, () => {
    let h: SyncHarness;
    beforeAll(async () => {
      h = await startSyncHarness(unpleasant);
    });
    afterAll(async () => h.stop());

    it('crawls, then reports creates, edits, renames, moves and deletes exactly', async () => {
      const c = h.sandbox.control;
      const { driveId, rootId } = await c.createDrive({ driveType });
      const docs = await c.createFolder(driveId, rootId, 'Docs');
      const sub = await c.createFolder(driveId, docs.id, 'Sub');
      const archive = await c.createFolder(driveId, rootId, 'Archive');
      const a = await c.createFile(driveId, docs.id, 'a.txt', 'alpha');
      const b = await c.createFile(driveId, sub.id, 'b.txt', 'bravo');
      await c.createFile(driveId, archive.id, 'c.txt', 'charlie');
      const top = await c.createFile(driveId, rootId, 'top.txt', 'top');
      await h.register({ driveId });
      const seen = { count: 0 };

      expect(await syncAndTakeNewEvents(h, seen)).toEqual(
        [
          'upsert /Archive/c.txt content',
          'upsert /Docs/Sub/b.txt content',
          'upsert /Docs/a.txt content',
          'upsert /top.txt content',
        ].sort(),
      );
      expect(await syncAndTakeNewEvents(h, seen)).toEqual([]);

      await c.createFile(driveId, docs.id, 'new.txt', 'new');
      expect(await syncAndTakeNewEvents(h, seen)).toEqual(['upsert /Docs/new.txt content']);

      await c.updateFile(driveId, a.id, 'alpha, edited');
      expect(await syncAndTakeNewEvents(h, seen)).toEqual(['upsert /Docs/a.txt content']);

      await c.rename(driveId, a.id, 'a2.txt');
      expect(await syncAndTakeNewEvents(h, seen)).toEqual(['upsert /Docs/a2.txt meta']);

      await c.move(driveId, b.id, archive.id);
      expect(await syncAndTakeNewEvents(h, seen)).toEqual(['upsert /Archive/b.txt meta']);

      await c.rename(driveId, docs.id, 'Documents');
      expect(await syncAndTakeNewEvents(h, seen)).toEqual([
        'upsert /Documents/a2.txt meta',
        'upsert /Documents/new.txt meta',
      ]);

      await c.deleteItem(driveId, top.id);
      expect(await syncAndTakeNewEvents(h, seen)).toEqual(['delete /top.txt']);

      await c.deleteItem(driveId, archive.id);
      expect(await syncAndTakeNewEvents(h, seen)).toEqual(['delete /Archive/b.txt', 'delete /Archive/c.txt']);

      const status = await h.sources.get({ kbId: 'kb', sourceId: 'src' });
      expect(status?.record.itemCount).toBe(2);
      expect(driveView(status!.record).cursorKind).toBe('final');
    });
  });
}

describe('a folder-scoped source (business drive: root delta filtered by ancestry)', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness(unpleasant);
  });
  afterAll(async () => h.stop());

  it('keeps only the folder, and handles moves into and out of it', async () => {
    const c = h.sandbox.control;
    const { driveId, rootId } = await c.createDrive({ driveType: 'business' });
    const docs = await c.createFolder(driveId, rootId, 'Docs');
    const sub = await c.createFolder(driveId, docs.id, 'Sub');
    const other = await c.createFolder(driveId, rootId, 'Other');
    const a = await c.createFile(driveId, docs.id, 'a.txt', 'alpha');
    await c.createFile(driveId, sub.id, 'b.txt', 'bravo');
    const outside = await c.createFile(driveId, other.id, 'outside.txt', 'out');
    const later = await c.createFolder(driveId, rootId, 'Later');
    await c.createFile(driveId, later.id, 'l1.txt', 'l1');
    await c.createFile(driveId, later.id, 'l2.txt', 'l2');
    await h.register({ driveId, scope: { path: 'docs' } }); // path addressing, matched case-insensitively
    const seen = { count: 0 };

    expect(await syncAndTakeNewEvents(h, seen)).toEqual(['upsert /Sub/b.txt content', 'upsert /a.txt content']);

    await c.updateFile(driveId, outside.id, 'changed outside');
    expect(await syncAndTakeNewEvents(h, seen)).toEqual([]);

    await c.move(driveId, outside.id, docs.id);
    expect(await syncAndTakeNewEvents(h, seen)).toEqual(['upsert /outside.txt content']);

    await c.move(driveId, a.id, other.id);
    expect(await syncAndTakeNewEvents(h, seen)).toEqual(['delete /a.txt']);

    await c.move(driveId, later.id, docs.id);
    expect(await syncAndTakeNewEvents(h, seen)).toEqual([
      'upsert /Later/l1.txt content',
      'upsert /Later/l2.txt content',
    ]);

    await c.move(driveId, sub.id, rootId);
    expect(await syncAndTakeNewEvents(h, seen)).toEqual(['delete /Sub/b.txt']);

    await c.rename(driveId, docs.id, 'Renamed scope');
    expect(await syncAndTakeNewEvents(h, seen)).toEqual([]);
  });
});

describe('a host that folds the feed (last event per item)', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    // Children first, one item a page: the edited file comes before its renamed folder, so the
    // edit and the rename's cascade are separate events (in one write group, or in two).
    h = await startSyncHarness({ defaultPageSize: 1, pageSizeJitter: 0, duplicateRate: 0, childFirst: 1 });
  });
  afterAll(async () => h.stop());

  for (const flushSize of [7, 1]) {
    it(`downloads a file edited in a folder renamed in the same sync (write groups of ${flushSize} pages)`, async () => {
      const c = h.sandbox.control;
      const { driveId, rootId } = await c.createDrive({ driveType: 'business' });
      const docs = await c.createFolder(driveId, rootId, 'Docs');
      const edited = await c.createFile(driveId, docs.id, 'edited.txt', 'old bytes');
      const moved = await c.createFile(driveId, docs.id, 'moved.txt', 'same bytes');
      const key = { kbId: `kbfold${flushSize}`, sourceId: 's' };
      await h.register({ ...key, driveId });
      expect(await h.syncer(undefined, { flushSize }).run(key)).toMatchObject({ status: 'synced' });
      const seen = (await h.allEvents(key.kbId)).length;

      await c.updateFile(driveId, edited.id, 'new bytes');
      await c.rename(driveId, docs.id, 'Documents');
      const added = await c.createFile(driveId, rootId, 'added.txt', 'added');
      expect(await h.syncer(undefined, { flushSize }).run(key)).toMatchObject({ status: 'synced' });

      const fresh = (await h.allEvents(key.kbId)).slice(seen);
      const kept = foldFeed(fresh);
      const downloads = (id: string) => kept.get(id)?.contentChanged;
      expect(kept.get(edited.id)?.path).toBe('/Documents/edited.txt');
      expect(downloads(edited.id), 'the new bytes of the edited file').toBe(true);
      expect(kept.get(edited.id)?.quickXorHash).not.toBe(null);
      expect(kept.get(moved.id)?.path).toBe('/Documents/moved.txt');
      expect(downloads(moved.id), 'a file that was only re-pathed').toBe(false);
      expect(downloads(added.id)).toBe(true);
      // One write group holds the whole sync: one event per item.
      if (flushSize === 7) expect(fresh.map((e) => e.itemId).sort()).toEqual([edited.id, moved.id, added.id].sort());
    });
  }
});
