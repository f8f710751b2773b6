// Issue 13 "Must show": the engine's exact-feed scenarios on Outlook mail, on the real provider and
// the sandbox's mailboxes (dev/sandbox/mail) with real stores on Azurite: new mail, mark read (no
// content change), a move between folders (one upsert, same itemId), delete, folder rename, move and
// delete, one folder's expired delta token; and a crash at every step across several folder cursors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashAt, expectRepeatsShareIds, hostView, runUntilSynced } from '../../support/crash-points.js';
import { startSyncHarness, syncAndTakeNewEvents, type SyncHarness } from '../../support/sync-harness.js';

const SEEDS = [1, 7, 20_261_203];

for (const seed of SEEDS) {
  describe(`Outlook mail scenarios (seed ${seed})`, () => {
    let h: SyncHarness;
    let kb = 0;
    beforeAll(async () => {
      process.env.SYNC_TEST_SEED = String(seed);
      h = await startSyncHarness({});
      delete process.env.SYNC_TEST_SEED;
    });
    afterAll(async () => h.stop());

    const register = async (location: Record<string, unknown>) => {
      const key = { kbId: `kb${++kb}`, sourceId: 'mail' };
      await h.registerSource({ ...key, type: 'outlook_mail', location });
      return key;
    };

    it('crawls every folder but Deleted Items and Junk, then reports each kind of change exactly', async () => {
      const mail = h.sandbox.mail;
      const user = h.sandbox.defaultUserId;
      const inbox = mail.folderId(user, 'inbox');
      const projects = mail.createFolder(user, { parentFolderId: inbox, displayName: 'Projects' });
      const plan = mail.deliver(user, { subject: 'Plan', from: 'megan@contoso.com', to: ['adele@contoso.com'] });
      mail.deliver(user, { subject: 'Lunch', from: 'alex@contoso.com', cc: ['a@contoso.com', 'b@contoso.com'] });
      mail.deliver(user, { folderId: projects.id, subject: 'Kickoff', from: 'megan@contoso.com' });
      const draft = mail.createDraft(user, { subject: 'Reply', body: 'first words' });
      mail.deliver(user, { folderId: mail.folderId(user, 'deleteditems'), subject: 'Old', from: 'x@contoso.com' });
      const key = await register({ mailbox: { userId: user } });
      const seen = { count: 0 };

      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(
        [
          'upsert /Drafts/Reply.eml content',
          'upsert /Inbox/Lunch.eml content',
          'upsert /Inbox/Plan.eml content',
          'upsert /Inbox/Projects/Kickoff.eml content',
        ].sort(),
      );
      const crawl = await h.allEvents(key.kbId);
      expect(crawl.find((event) => event.itemId === plan.id)).toMatchObject({
        kind: 'message',
        message: { from: 'megan@contoso.com', subject: 'Plan', toCount: 1, ccCount: 0, hasAttachments: false },
      });
      expect(crawl.find((event) => event.path === '/Inbox/Lunch.eml')?.message?.ccCount).toBe(2);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([]);

      const hello = mail.deliver(user, { subject: 'Hello', from: 'megan@contoso.com' });
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(['upsert /Inbox/Hello.eml content']);

      // Reading is not a content change, and nothing the host keeps changed: no event at all.
      mail.markRead(user, hello.id, true);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([]);

      mail.editDraft(user, draft.id, { body: 'second thoughts' });
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(['upsert /Drafts/Reply.eml content']);

      // A move is one upsert of the same item, below its new folder.
      mail.moveMessage(user, plan.id, projects.id);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(['upsert /Inbox/Projects/Plan.eml meta']);
      expect((await h.allEvents(key.kbId)).at(-1)?.itemId).toBe(plan.id);

      // Outlook's delete moves to Deleted Items, which the source leaves out; a hard delete is gone.
      mail.moveMessage(user, hello.id, mail.folderId(user, 'deleteditems'));
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(['delete /Inbox/Hello.eml']);
      const lunch = crawl.find((event) => event.path === '/Inbox/Lunch.eml')!;
      mail.deleteMessage(user, lunch.itemId);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(['delete /Inbox/Lunch.eml']);

      mail.renameFolder(user, projects.id, 'Work');
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([
        'upsert /Inbox/Work/Kickoff.eml meta',
        'upsert /Inbox/Work/Plan.eml meta',
      ]);

      // A folder made later is found by the folder tree and enumerated in the same run.
      const later = mail.createFolder(user, { parentFolderId: inbox, displayName: 'Later' });
      mail.deliver(user, { folderId: later.id, subject: 'Fresh', from: 'megan@contoso.com' });
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(['upsert /Inbox/Later/Fresh.eml content']);

      mail.deleteFolder(user, projects.id);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([
        'delete /Inbox/Work/Kickoff.eml',
        'delete /Inbox/Work/Plan.eml',
      ]);
      const cursors = Object.keys((await h.sources.get(key))!.record.cursors ?? {});
      expect(cursors).not.toContain(`messages:${projects.id}`);
      expect(cursors).toContain(`messages:${later.id}`);

      // One folder's sync state expires: only that folder is enumerated again, and only its
      // differences reach the feed.
      mail.deliver(user, { folderId: later.id, subject: 'While expired', from: 'megan@contoso.com' });
      mail.expireDeltaTokens(user, later.id);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(['upsert /Inbox/Later/While expired.eml content']);
      expect(h.logLines.some((line) => line.includes('sync.resync'))).toBe(true);
    });

    it('keeps a scope of listed folders: their children in, the rest out, moves across the edge', async () => {
      const mail = h.sandbox.mail;
      const user = h.sandbox.defaultUserId;
      const inbox = mail.folderId(user, 'inbox');
      const clients = mail.createFolder(user, { parentFolderId: inbox, displayName: 'Clients' });
      const acme = mail.createFolder(user, { parentFolderId: clients.id, displayName: 'Acme' });
      const other = mail.createFolder(user, { parentFolderId: inbox, displayName: 'Other' });
      mail.deliver(user, { folderId: clients.id, subject: 'Contract', from: 'c@acme.com' });
      mail.deliver(user, { folderId: acme.id, subject: 'Invoice', from: 'c@acme.com' });
      const stray = mail.deliver(user, { folderId: other.id, subject: 'Stray', from: 'x@contoso.com' });
      const key = await register({ mailbox: { userId: user }, folders: [clients.id] });
      const seen = { count: 0 };
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([
        'upsert /Clients/Acme/Invoice.eml content',
        'upsert /Clients/Contract.eml content',
      ]);

      // Into the scope and out of it again.
      mail.moveMessage(user, stray.id, acme.id);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(['upsert /Clients/Acme/Stray.eml content']);
      mail.moveMessage(user, stray.id, other.id);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(['delete /Clients/Acme/Stray.eml']);

      // A subfolder moved out takes its messages out; moved back in, they return.
      mail.moveFolder(user, acme.id, other.id);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(['delete /Clients/Acme/Invoice.eml']);
      mail.moveFolder(user, acme.id, clients.id);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(['upsert /Clients/Acme/Invoice.eml content']);
    });

    it('loses nothing when a crawl or an incremental sync across several folders crashes at any step', async () => {
      const mail = h.sandbox.mail;
      const user = h.sandbox.defaultUserId;
      const build = () => {
        const root = mail.createFolder(user, { parentFolderId: mail.folderId(user, 'inbox'), displayName: `c${++kb}` });
        const folders = [root.id];
        for (let f = 0; f < 2; f++) {
          folders.push(mail.createFolder(user, { parentFolderId: root.id, displayName: `f${f}` }).id);
        }
        const messages = folders.flatMap((folderId, f) =>
          [0, 1, 2].map((m) => mail.deliver(user, { folderId, subject: `m${f}-${m}`, from: 'a@contoso.com' }).id),
        );
        return { root: root.id, folders, messages };
      };
      const mutate = (world: ReturnType<typeof build>) => {
        mail.moveMessage(user, world.messages[0]!, world.folders[2]!);
        mail.markRead(user, world.messages[1]!, true);
        mail.deleteMessage(user, world.messages[4]!);
        mail.deliver(user, { folderId: world.folders[1]!, subject: 'new', from: 'a@contoso.com' });
        mail.renameFolder(user, world.folders[2]!, 'renamed');
      };
      const scoped = (world: ReturnType<typeof build>) => ({ mailbox: { userId: user }, folders: [world.root] });

      // Crawl.
      const probeWorld = build();
      const probe = await register(scoped(probeWorld));
      let points = 0;
      await h.syncer(() => void points++).run(probe);
      expect(points).toBeGreaterThan(10);
      for (let k = 1; k <= points; k++) {
        const world = build();
        const key = await register(scoped(world));
        const crash = crashAt(k);
        await runUntilSynced(h, key, crash.hook);
        expect(crash.hit()).toBe(true);
        const events = await h.allEvents(key.kbId);
        expect([...hostView(events).keys()].sort(), `crawl, crash at point ${k}`).toEqual([...world.messages].sort());
        expectRepeatsShareIds(events);
      }

      // Incremental.
      mutate(probeWorld);
      let incrementalPoints = 0;
      await h.syncer(() => void incrementalPoints++).run(probe);
      const expected = [...hostView(await h.allEvents(probe.kbId)).values()].sort();
      expect(expected).toHaveLength(9);
      for (let k = 1; k <= incrementalPoints; k++) {
        const world = build();
        const key = await register(scoped(world));
        await runUntilSynced(h, key);
        mutate(world);
        const crash = crashAt(k);
        await runUntilSynced(h, key, crash.hook);
        expect(crash.hit()).toBe(true);
        const events = await h.allEvents(key.kbId);
        const view = [...hostView(events).values()].map((path) => path.replace(/^\/c\d+/, '/c')).sort();
        expect(view, `incremental, crash at point ${k}`).toEqual(expected.map((path) => path.replace(/^\/c\d+/, '/c')));
        expectRepeatsShareIds(events);
      }
    });
  });
}
