// Message and folder delta (message-delta, delta-query-messages, mailfolder-delta): pages with
// odata.maxpagesize, rounds ending in a deltaLink, incremental rounds with created/updated entries
// and @removed for messages deleted or moved out, immutable vs regular ids, per-folder 410
// SyncStateNotFound after expiry, and the query strictness of delta.
import { describe, expect, it } from 'vitest';
import { graphGet } from '../sandbox/sandbox-test-kit.js';
import {
  deltaRound,
  expectGraphError,
  folderSchema,
  IMMUTABLE,
  meUrl,
  messageSchema,
  removedSchema,
  useMailSandbox,
} from './mail-test-kit.js';

describe('mail sandbox delta', () => {
  const f = useMailSandbox();
  const deliverMany = (count: number, folderId = 'inbox') =>
    Array.from(
      { length: count },
      (_, i) =>
        f.sandbox.mail.deliver(f.userId, {
          folderId,
          subject: `m${i}`,
          from: 'Dana <dana@contoso.test>',
          body: `body ${i}`,
        }).id,
    );
  const inboxDelta = (query = '') => meUrl(f.sandbox, `mailFolders('inbox')/messages/delta${query}`);

  it('pages a folder with odata.maxpagesize and ends the round with a deltaLink', async () => {
    const ids = deliverMany(7);
    const round = await deltaRound(inboxDelta(), f.token, { prefer: `odata.maxpagesize=3, ${IMMUTABLE.prefer}` });
    expect(round.pages.map((page) => page.value.length)).toEqual([3, 3, 1]);
    expect(round.pages.slice(0, 2).every((page) => page['@odata.nextLink']?.includes('$skiptoken='))).toBe(true);
    expect(round.deltaLink).toContain('$deltatoken=');
    const messages = round.entries.map((entry) => messageSchema.parse(entry));
    expect(new Set(messages.map((m) => m.id))).toEqual(new Set(ids));
    expect(round.entries.every((entry) => entry['@odata.type'] === '#microsoft.graph.message')).toBe(true);

    const next = await deltaRound(round.deltaLink, f.token, IMMUTABLE);
    expect(next.entries).toEqual([]);
  });

  it('an incremental round returns updates (read, flag, draft edit), creations and @removed for moves and deletes', async () => {
    const [keep, read, moved, deleted] = deliverMany(4);
    const draft = f.sandbox.mail.createDraft(f.userId, { subject: 'draft' }).id;
    const inbox = await deltaRound(inboxDelta('?$select=subject,isRead'), f.token, IMMUTABLE);
    const drafts = await deltaRound(meUrl(f.sandbox, 'mailFolders/drafts/messages/delta'), f.token, IMMUTABLE);
    const archive = await deltaRound(meUrl(f.sandbox, 'mailFolders/archive/messages/delta'), f.token, IMMUTABLE);
    expect(archive.entries).toEqual([]);

    f.sandbox.mail.markRead(f.userId, read!, true);
    f.sandbox.mail.moveMessage(f.userId, moved!, f.sandbox.mail.folderId(f.userId, 'archive'));
    f.sandbox.mail.deleteMessage(f.userId, deleted!);
    f.sandbox.mail.editDraft(f.userId, draft, { subject: 'draft v2' });
    const fresh = f.sandbox.mail.deliver(f.userId, { subject: 'new', from: 'x@contoso.test' }).id;

    const inboxNext = await deltaRound(inbox.deltaLink, f.token, IMMUTABLE);
    const removed = inboxNext.entries
      .filter((entry) => '@removed' in entry)
      .map((entry) => removedSchema.parse(entry).id);
    expect(removed.sort()).toEqual([moved, deleted].sort());
    const changed = inboxNext.entries.filter((entry) => !('@removed' in entry));
    expect(changed.map((entry) => entry.id).sort()).toEqual([read, fresh].sort());
    // The round's $select is carried by its links: only the selected properties come back.
    expect(Object.keys(changed[0]!).sort()).toEqual(['@odata.etag', '@odata.type', 'id', 'isRead', 'subject']);
    expect(changed.find((entry) => entry.id === read)!.isRead).toBe(true);
    expect(inboxNext.entries.some((entry) => entry.id === keep)).toBe(false);

    const archiveNext = await deltaRound(archive.deltaLink, f.token, IMMUTABLE);
    expect(archiveNext.entries.map((entry) => messageSchema.parse(entry).id)).toEqual([moved]);
    const draftsNext = await deltaRound(drafts.deltaLink, f.token, IMMUTABLE);
    expect(draftsNext.entries.map((entry) => messageSchema.parse(entry).subject)).toEqual(['draft v2']);
  });

  it('flag changes are updates too', async () => {
    const [id] = deliverMany(1);
    const round = await deltaRound(inboxDelta(), f.token, IMMUTABLE);
    f.sandbox.mail.setFlag(f.userId, id!, 'flagged');
    const next = await deltaRound(round.deltaLink, f.token, IMMUTABLE);
    expect(next.entries.map((entry) => (entry.flag as { flagStatus: string }).flagStatus)).toEqual(['flagged']);
  });

  it('regular ids change on a move, immutable ids do not; both are accepted in URLs', async () => {
    const [immutableId] = deliverMany(1);
    const regularBefore = messageSchema.parse(
      (await graphGet(meUrl(f.sandbox, `messages/${immutableId}`), f.token)).body,
    ).id;
    expect(regularBefore).not.toBe(immutableId);
    const regularRound = await deltaRound(inboxDelta(), f.token);
    expect(regularRound.entries.map((entry) => entry.id)).toEqual([regularBefore]);

    f.sandbox.mail.moveMessage(f.userId, immutableId!, f.sandbox.mail.folderId(f.userId, 'archive'));
    const regularAfter = messageSchema.parse(
      (await graphGet(meUrl(f.sandbox, `messages/${immutableId}`), f.token)).body,
    );
    expect(regularAfter.id).not.toBe(regularBefore);
    expect(regularAfter.parentFolderId).toBe(f.sandbox.mail.folderId(f.userId, 'archive'));
    const immutable = messageSchema.parse(
      (await graphGet(meUrl(f.sandbox, `messages/${regularAfter.id}`), f.token, IMMUTABLE)).body,
    );
    expect(immutable.id).toBe(immutableId);
    // The old regular id no longer names the message.
    expectGraphError(await graphGet(meUrl(f.sandbox, `messages/${regularBefore}`), f.token), 404, 'ErrorItemNotFound');

    // Without the preference, the @removed entry names the regular id the client saw in that folder.
    const next = await deltaRound(regularRound.deltaLink, f.token);
    expect(next.entries.map((entry) => removedSchema.parse(entry).id)).toEqual([regularBefore]);
  });

  it('an expired delta token answers 410 SyncStateNotFound for that folder only', async () => {
    deliverMany(2);
    f.sandbox.mail.deliver(f.userId, { folderId: 'archive', subject: 'a', from: 'x@contoso.test' });
    const inbox = await deltaRound(inboxDelta(), f.token, { prefer: 'odata.maxpagesize=1' });
    const archive = await deltaRound(meUrl(f.sandbox, 'mailFolders/archive/messages/delta'), f.token);
    const firstPage = await graphGet(inboxDelta(), f.token, { prefer: 'odata.maxpagesize=1' });
    const skipLink = (firstPage.body as { '@odata.nextLink': string })['@odata.nextLink'];

    f.sandbox.mail.expireDeltaTokens(f.userId, f.sandbox.mail.folderId(f.userId, 'inbox'));
    expectGraphError(await graphGet(inbox.deltaLink, f.token), 410, 'SyncStateNotFound');
    expectGraphError(await graphGet(skipLink, f.token), 410, 'SyncStateNotFound');
    expect((await graphGet(archive.deltaLink, f.token)).status).toBe(200);
    // A new round of the expired folder works again.
    expect((await deltaRound(inboxDelta(), f.token)).entries).toHaveLength(2);
  });

  it('a token is tied to its folder, and a forged one is refused like an expired one', async () => {
    const inbox = await deltaRound(inboxDelta(), f.token);
    const token = new URL(inbox.deltaLink).searchParams.get('$deltatoken')!;
    const other = meUrl(f.sandbox, `mailFolders/archive/messages/delta?$deltatoken=${encodeURIComponent(token)}`);
    expectGraphError(await graphGet(other, f.token), 410, 'SyncStateNotFound');
    expectGraphError(await graphGet(inboxDelta('?$deltatoken=made-up'), f.token), 410, 'SyncStateNotFound');
    // The round's query travels in the token: a different $select on its link is refused.
    expectGraphError(await graphGet(`${inbox.deltaLink}&$select=subject`, f.token), 400, 'ErrorInvalidUrlQuery');
  });

  it('accepts only $filter=receivedDateTime ge|gt and refuses unknown $select properties', async () => {
    f.sandbox.mail.deliver(f.userId, {
      subject: 'old',
      from: 'x@contoso.test',
      receivedDateTime: '2024-01-01T00:00:00Z',
    });
    f.sandbox.mail.deliver(f.userId, {
      subject: 'new',
      from: 'x@contoso.test',
      receivedDateTime: '2025-06-01T00:00:00Z',
    });
    const filtered = await deltaRound(inboxDelta('?$filter=receivedDateTime+ge+2025-01-01T00:00:00Z'), f.token);
    expect(filtered.entries.map((entry) => entry.subject)).toEqual(['new']);
    expectGraphError(await graphGet(inboxDelta('?$filter=isRead+eq+false'), f.token), 400, 'ErrorInvalidUrlQuery');
    const bad = expectGraphError(
      await graphGet(inboxDelta('?$select=subject,isJunk'), f.token),
      400,
      'RequestBroker--ParseUri',
    );
    expect(bad.message).toBe("Could not find a property named 'isJunk' on type 'microsoft.graph.message'.");
    expectGraphError(await graphGet(inboxDelta('?$search=hello'), f.token), 400, 'ErrorInvalidUrlQuery');
  });

  it('changeType=created returns only messages created since the token', async () => {
    const [updated] = deliverMany(1);
    const round = await deltaRound(inboxDelta('?changeType=created'), f.token, IMMUTABLE);
    expect(round.entries).toHaveLength(1);
    f.sandbox.mail.markRead(f.userId, updated!, true);
    const fresh = f.sandbox.mail.deliver(f.userId, { subject: 'fresh', from: 'x@contoso.test' }).id;
    const next = await deltaRound(round.deltaLink, f.token, IMMUTABLE);
    expect(next.entries.map((entry) => entry.id)).toEqual([fresh]);
  });

  it('folder delta is flat (nested folders with parentFolderId) and reports @removed for deleted folders', async () => {
    const inboxId = f.sandbox.mail.folderId(f.userId, 'inbox');
    const projects = f.sandbox.mail.createFolder(f.userId, { parentFolderId: inboxId, displayName: 'Projects' }).id;
    const alpha = f.sandbox.mail.createFolder(f.userId, { parentFolderId: projects, displayName: 'Alpha' }).id;
    const round = await deltaRound(meUrl(f.sandbox, 'mailFolders/delta'), f.token, { prefer: 'odata.maxpagesize=4' });
    expect(round.pages.length).toBeGreaterThan(1);
    const folders = round.entries.map((entry) => folderSchema.parse(entry));
    expect(folders.map((folder) => folder.displayName).sort()).toEqual(
      ['Alpha', 'Archive', 'Deleted Items', 'Drafts', 'Inbox', 'Junk Email', 'Outbox', 'Projects', 'Sent Items'].sort(),
    );
    expect(folders.find((folder) => folder.id === alpha)!.parentFolderId).toBe(projects);

    f.sandbox.mail.renameFolder(f.userId, alpha, 'Alpha 2');
    const next = await deltaRound(round.deltaLink, f.token);
    expect(next.entries.map((entry) => folderSchema.parse(entry).displayName)).toEqual(['Alpha 2']);
    f.sandbox.mail.deleteFolder(f.userId, projects);
    const afterDelete = await deltaRound(next.deltaLink, f.token);
    expect(afterDelete.entries.map((entry) => removedSchema.parse(entry).id).sort()).toEqual([alpha, projects].sort());
    expectGraphError(await graphGet(meUrl(f.sandbox, `mailFolders/${projects}`), f.token), 404, 'ErrorItemNotFound');
  });

  it('crawls a seeded mailbox through delta with one page per request', async () => {
    const { folderIds } = f.sandbox.mail.seed(f.userId, { folders: 3, messagesPerFolder: 500, bodyBytes: 64 });
    let total = 0;
    for (const folderId of folderIds) {
      const round = await deltaRound(
        meUrl(f.sandbox, `mailFolders/${folderId}/messages/delta?$select=subject`),
        f.token,
        {
          prefer: 'odata.maxpagesize=200',
        },
      );
      expect(round.pages).toHaveLength(3);
      total += round.entries.length;
    }
    expect(total).toBe(1500);
  });
});
