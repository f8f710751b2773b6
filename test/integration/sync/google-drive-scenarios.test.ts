// Issue 12 "Must show": the engine's scenarios on Google Drive, through the real @googleapis/drive
// client against the Google sandbox: exact feeds under several seeds (short pages drawn from the
// seed), a folder scope with moves in and out, a shared drive, a crash at every step, and a rejected
// page token ending in a reconciling crawl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEvents, foldFeed } from '../../support/sync-harness.js';
import { crashAt, expectRepeatsShareIds, hostView, runUntilSynced } from '../../support/crash-points.js';
import { startGoogleHarness, type GoogleHarness } from '../../support/google-harness.js';

const DOC = 'application/vnd.google-apps.document';

async function buildTree(h: GoogleHarness, parentId: string) {
  const c = h.sandbox.control;
  const docs = c.createFolder({ parentIds: [parentId], name: 'Docs' });
  const archive = c.createFolder({ parentIds: [parentId], name: 'Archive' });
  const a = c.createFile({ parentIds: [docs.id], name: 'a.txt', content: 'alpha' });
  const b = c.createFile({ parentIds: [parentId], name: 'b.txt', content: 'bravo' });
  const plan = c.createFile({ parentIds: [docs.id], name: 'Plan', mimeType: DOC });
  const old = c.createFile({ parentIds: [archive.id], name: 'old.txt', content: 'old' });
  return { docs, archive, a, b, plan, old };
}

const sorted = (lines: string[]) => [...lines].sort();

for (const seed of [1, 7, 20_261_202]) {
  describe(`Google Drive scenarios (seed ${seed}, short pages)`, () => {
    let h: GoogleHarness;
    beforeAll(async () => {
      h = await startGoogleHarness({ seed, settings: { shortPageChance: 0.4 } });
    });
    afterAll(async () => h.stop());

    it('crawls, then reports creates, edits, renames, moves, trash and deletes exactly', async () => {
      const c = h.sandbox.control;
      const tree = await buildTree(h, c.myDriveRootId());
      await h.register({ myDrive: true });
      await h.syncToEnd();
      const crawl = await h.allEvents();
      expect(sorted(describeEvents(crawl))).toEqual(
        sorted([
          'upsert /Docs/a.txt content',
          'upsert /b.txt content',
          'upsert /Docs/Plan content',
          'upsert /Archive/old.txt content',
        ]),
      );
      // Checksums of blobs reach the event; the native doc has none.
      const a = crawl.find((event) => event.path === '/Docs/a.txt');
      expect(a?.contentHash?.algorithm).toBe('sha256');
      expect(a?.contentHash?.value).toMatch(/^[0-9a-f]{64}$/);

      c.updateContent(tree.a.id, 'alpha, edited');
      c.rename(tree.b.id, 'b2.txt');
      c.move(tree.old.id, { addParents: [tree.docs.id], removeParents: [tree.archive.id] });
      c.editNativeDoc(tree.plan.id);
      const fresh = c.createFile({ parentIds: [tree.docs.id], name: 'new.txt', content: 'new' });
      c.trash(tree.archive.id);
      await h.syncToEnd();
      const second = (await h.allEvents()).slice(crawl.length);
      expect(sorted(describeEvents(second))).toEqual(
        sorted([
          'upsert /Docs/a.txt content',
          'upsert /b2.txt meta',
          'upsert /Docs/old.txt meta',
          'upsert /Docs/Plan content',
          'upsert /Docs/new.txt content',
        ]),
      );

      // A trashed file goes for the host; a permanent delete too; nothing else moves.
      c.trash(tree.b.id);
      c.deletePermanently(fresh.id);
      await h.syncToEnd();
      const third = (await h.allEvents()).slice(crawl.length + second.length);
      expect(sorted(third.map((event) => `${event.op} ${event.itemId}`))).toEqual(
        sorted([`delete ${tree.b.id}`, `delete ${fresh.id}`]),
      );
      // A sync with nothing new writes nothing.
      await h.syncToEnd();
      expect((await h.allEvents()).length).toBe(crawl.length + second.length + third.length);
    });

    it('keeps a folder scope (by path), with moves into and out of it', async () => {
      const c = h.sandbox.control;
      const root = c.myDriveRootId();
      const scope = c.createFolder({ parentIds: [root], name: `Scope-${seed}` });
      const inside = c.createFile({ parentIds: [scope.id], name: 'in.txt', content: 'in' });
      const outside = c.createFolder({ parentIds: [root], name: `Outside-${seed}` });
      const away = c.createFile({ parentIds: [outside.id], name: 'away.txt', content: 'away' });
      const key = { kbId: `kbscope${seed}`, sourceId: 's' };
      await h.register({ myDrive: true, folderPath: `/Scope-${seed}` }, key);
      await h.syncToEnd(key);
      expect(describeEvents(await h.allEvents(key.kbId))).toEqual(['upsert /in.txt content']);

      c.move(away.id, { addParents: [scope.id], removeParents: [outside.id] });
      c.move(inside.id, { addParents: [outside.id], removeParents: [scope.id] });
      await h.syncToEnd(key);
      const view = foldFeed(await h.allEvents(key.kbId));
      expect([...view.values()].map((event) => event.path)).toEqual(['/away.txt']);
      expect(view.has(inside.id)).toBe(false);
    });

    it('syncs a shared drive with corpora=drive and ignores My Drive changes', async () => {
      const c = h.sandbox.control;
      const shared = c.createSharedDrive({ name: `Team ${seed}` });
      const folder = c.createFolder({ parentIds: [shared.id], name: 'Specs' });
      const spec = c.createFile({ parentIds: [folder.id], name: 'spec.md', content: '# spec' });
      const key = { kbId: `kbshared${seed}`, sourceId: 's' };
      await h.register({ sharedDriveId: shared.id }, key);
      await h.syncToEnd(key);
      expect(describeEvents(await h.allEvents(key.kbId))).toEqual(['upsert /Specs/spec.md content']);
      c.createFile({ parentIds: [c.myDriveRootId()], name: `mine-${seed}.txt`, content: 'mine' });
      c.rename(spec.id, 'spec-v2.md');
      await h.syncToEnd(key);
      expect(describeEvents(await h.allEvents(key.kbId))).toEqual([
        'upsert /Specs/spec.md content',
        'upsert /Specs/spec-v2.md meta',
      ]);
      const listed = c.requestLog().filter((entry) => entry.path === '/drive/v3/files');
      expect(listed.length).toBeGreaterThan(0);
    });
  });
}

describe('Google Drive: failures the engine must survive', () => {
  let h: GoogleHarness;
  beforeAll(async () => {
    h = await startGoogleHarness({ seed: 5 });
  });
  afterAll(async () => h.stop());

  it('restarts with a reconciling crawl when Drive rejects the saved page token', async () => {
    const c = h.sandbox.control;
    const folder = c.createFolder({ parentIds: [c.myDriveRootId()], name: 'Reconcile' });
    const keep = c.createFile({ parentIds: [folder.id], name: 'keep.txt', content: 'keep' });
    const gone = c.createFile({ parentIds: [folder.id], name: 'gone.txt', content: 'gone' });
    const key = { kbId: 'kbreconcile', sourceId: 's' };
    await h.register({ myDrive: true, folderId: folder.id }, key);
    await h.syncToEnd(key);
    const before = await h.allEvents(key.kbId);
    // While tokens are rejected, one file goes and one arrives.
    c.expirePageTokens();
    c.deletePermanently(gone.id);
    const added = c.createFile({ parentIds: [folder.id], name: 'added.txt', content: 'added' });
    await h.syncToEnd(key);
    const after = (await h.allEvents(key.kbId)).slice(before.length);
    expect(sorted(after.map((event) => `${event.op} ${event.itemId}`))).toEqual(
      sorted([`delete ${gone.id}`, `upsert ${added.id}`]),
    );
    expect([...hostView(await h.allEvents(key.kbId)).keys()].sort()).toEqual([keep.id, added.id].sort());
    expect(c.requestLog().some((entry) => entry.status === 400 && entry.path === '/drive/v3/changes')).toBe(true);
  });

  it('loses nothing when a crawl or an incremental sync crashes at any step', async () => {
    const c = h.sandbox.control;
    // A probe counts the fault points of one clean crawl + incremental round.
    const build = () => {
      const folder = c.createFolder({
        parentIds: [c.myDriveRootId()],
        name: `crash-${Math.random().toString(36).slice(2)}`,
      });
      const files = Array.from({ length: 4 }, (_, index) =>
        c.createFile({ parentIds: [folder.id], name: `f${index}.txt`, content: `file ${index}` }),
      );
      return { folder, files };
    };
    const mutate = (tree: ReturnType<typeof build>) => {
      c.rename(tree.files[0]!.id, 'renamed.txt');
      c.updateContent(tree.files[1]!.id, 'edited');
      c.deletePermanently(tree.files[2]!.id);
      return c.createFile({ parentIds: [tree.folder.id], name: 'created.txt', content: 'created' });
    };
    const probeTree = build();
    const probeKey = { kbId: 'kbgprobe', sourceId: 's' };
    await h.register({ myDrive: true, folderId: probeTree.folder.id }, probeKey);
    let points = 0;
    await h.syncer(() => void points++).run(probeKey);
    mutate(probeTree);
    await h.syncer(() => void points++).run(probeKey);
    expect(points).toBeGreaterThan(6);

    for (let k = 1; k <= points; k++) {
      const tree = build();
      const key = { kbId: `kbgcrash${k}`, sourceId: 's' };
      await h.register({ myDrive: true, folderId: tree.folder.id }, key);
      const crash = crashAt(k);
      // The same fault point numbering as the probe: crawl points first, then the incremental ones.
      let seen = 0;
      const counting = (step: Parameters<typeof crash.hook>[0], page: number) => {
        seen++;
        crash.hook(step, page);
      };
      await runUntilSynced(h, key, counting);
      const created = mutate(tree);
      const later = seen < k ? crashAt(k - seen) : undefined;
      await runUntilSynced(h, key, later?.hook);
      // The crash happened, in the crawl or in the incremental sync.
      expect(crash.hit() || later?.hit(), `crash at point ${k} fired`).toBe(true);
      const events = await h.allEvents(key.kbId);
      const expected = [tree.files[0]!.id, tree.files[1]!.id, tree.files[3]!.id, created.id].sort();
      expect([...hostView(events).keys()].sort(), `crash at point ${k}`).toEqual(expected);
      expect(hostView(events).get(tree.files[0]!.id)).toBe('/renamed.txt');
      expectRepeatsShareIds(events);
    }
  });
});
