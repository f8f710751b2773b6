// Mail folders, messages, MIME and attachments over real HTTPS, and who may read them: bearer
// tokens with Mail.Read, app-only tokens with an application role, /me refused without a user,
// another user's mailbox refused to a delegated token, and Outlook's error codes.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appAccessToken, graphGet, userAccessToken } from '../sandbox/sandbox-test-kit.js';
import {
  expectGraphError,
  folderSchema,
  IMMUTABLE,
  mailToken,
  meUrl,
  messageSchema,
  useMailSandbox,
} from './mail-test-kit.js';

const listSchema = z.object({
  value: z.array(z.record(z.string(), z.unknown())),
  '@odata.nextLink': z.string().optional(),
});

const attachmentSchema = z.object({
  '@odata.type': z.literal('#microsoft.graph.fileAttachment'),
  id: z.string().min(1),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  isInline: z.boolean(),
  contentBytes: z.string(),
});

describe('mail sandbox routes', () => {
  const f = useMailSandbox();

  it('lists the well-known folders under the hidden root with Outlook display names, and nested child folders', async () => {
    const root = folderSchema.parse((await graphGet(meUrl(f.sandbox, 'mailFolders/msgfolderroot'), f.token)).body);
    expect(root.isHidden).toBe(true);
    const list = listSchema
      .parse((await graphGet(meUrl(f.sandbox, 'mailFolders?$top=50'), f.token)).body)
      .value.map((entry) => folderSchema.parse(entry));
    expect(list.map((folder) => folder.displayName).sort()).toEqual(
      ['Archive', 'Deleted Items', 'Drafts', 'Inbox', 'Junk Email', 'Outbox', 'Sent Items'].sort(),
    );
    expect(list.every((folder) => folder.parentFolderId === root.id)).toBe(true);

    const inboxId = f.sandbox.mail.folderId(f.userId, 'inbox');
    const child = f.sandbox.mail.createFolder(f.userId, { parentFolderId: inboxId, displayName: 'Receipts' }).id;
    const children = listSchema.parse(
      (await graphGet(meUrl(f.sandbox, `mailFolders('Inbox')/childFolders`), f.token)).body,
    );
    expect(children.value.map((entry) => entry.id)).toEqual([child]);
    const inbox = folderSchema.parse((await graphGet(meUrl(f.sandbox, 'mailFolders/inbox'), f.token)).body);
    expect(inbox).toMatchObject({ id: inboxId, displayName: 'Inbox', childFolderCount: 1 });
    expectGraphError(
      await graphGet(meUrl(f.sandbox, 'mailFolders/inbox?$select=displayName,colour'), f.token),
      400,
      'RequestBroker--ParseUri',
    );
  });

  it('returns a message with the properties the product selects, and ErrorItemNotFound for a missing one', async () => {
    const id = f.sandbox.mail.deliver(f.userId, {
      subject: 'Quarterly numbers',
      from: 'Dana Swope <dana@contoso.test>',
      cc: ['cc@contoso.test'],
      body: '<p>Hello <b>team</b></p>',
    }).id;
    const result = await graphGet(meUrl(f.sandbox, `messages/${id}`), f.token, IMMUTABLE);
    const message = messageSchema.parse(result.body);
    expect(message).toMatchObject({
      id,
      subject: 'Quarterly numbers',
      from: { emailAddress: { name: 'Dana Swope', address: 'dana@contoso.test' } },
      ccRecipients: [{ emailAddress: { address: 'cc@contoso.test' } }],
      isRead: false,
      isDraft: false,
      hasAttachments: false,
      bodyPreview: 'Hello team',
      body: { contentType: 'html', content: '<p>Hello <b>team</b></p>' },
      parentFolderId: f.sandbox.mail.folderId(f.userId, 'inbox'),
    });
    expect(message['@odata.etag']).toBe(`W/"${message.changeKey}"`);
    const selected = (await graphGet(meUrl(f.sandbox, `messages/${id}?$select=subject`), f.token)).body as object;
    expect(Object.keys(selected).sort()).toEqual(['@odata.context', '@odata.etag', 'id', 'subject']);

    const missing = `${id.slice(0, -6)}QQQQ=`;
    expectGraphError(await graphGet(meUrl(f.sandbox, `messages/${missing}`), f.token), 404, 'ErrorItemNotFound');
    expectGraphError(await graphGet(meUrl(f.sandbox, 'messages/not an id!'), f.token), 400, 'ErrorInvalidIdMalformed');
  });

  it('lists messages with $top paging and a minimal $filter, refusing other filters', async () => {
    for (let i = 0; i < 3; i++)
      f.sandbox.mail.deliver(f.userId, { subject: `s${i}`, from: 'x@contoso.test', isRead: i === 0 });
    const first = listSchema.parse(
      (await graphGet(meUrl(f.sandbox, 'mailFolders/inbox/messages?$top=2'), f.token)).body,
    );
    expect(first.value).toHaveLength(2);
    const second = listSchema.parse((await graphGet(first['@odata.nextLink']!, f.token)).body);
    expect(second.value).toHaveLength(1);
    const unread = listSchema.parse(
      (await graphGet(meUrl(f.sandbox, 'messages?$filter=isRead eq false'), f.token)).body,
    );
    expect(unread.value).toHaveLength(2);
    expectGraphError(await graphGet(meUrl(f.sandbox, 'messages?$top=0'), f.token), 400, 'ErrorInvalidUrlQuery');
    expectGraphError(
      await graphGet(meUrl(f.sandbox, "messages?$filter=contains(subject,'s')"), f.token),
      400,
      'ErrorInvalidUrlQueryFilter',
    );
  });

  it('serves the MIME of a message from messages/{id}/$value as text/plain, and refuses it under a folder path', async () => {
    const id = f.sandbox.mail.deliver(f.userId, {
      subject: 'With file',
      from: 'dana@contoso.test',
      body: 'plain body',
      attachments: [{ name: 'a.bin', contentType: 'application/octet-stream', content: Buffer.from([0, 1, 2, 250]) }],
    }).id;
    const response = await fetch(meUrl(f.sandbox, `messages/${id}/$value`), {
      headers: { authorization: `Bearer ${f.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    const mime = await response.text();
    expect(mime).toMatch(/^From: dana@contoso\.test\r\n/);
    expect(mime).toContain('Subject: With file\r\n');
    expect(mime).toMatch(/Content-Type: multipart\/mixed; boundary="[^"]+"/);
    expect(mime).toContain(`Content-Disposition: attachment; filename="a.bin"`);
    expect(mime).toContain(Buffer.from([0, 1, 2, 250]).toString('base64'));
    expectGraphError(
      await graphGet(meUrl(f.sandbox, `mailFolders/inbox/messages/${id}/$value`), f.token),
      405,
      'ErrorInvalidRequest',
    );
  });

  it('lists file attachments with contentBytes and serves their raw bytes', async () => {
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x7f]);
    const id = f.sandbox.mail.deliver(f.userId, {
      subject: 'Attachment',
      from: 'dana@contoso.test',
      attachments: [
        { name: 'report.pdf', contentType: 'application/pdf', content: bytes },
        { name: 'note.txt', contentType: 'text/plain', content: 'hello' },
      ],
    }).id;
    const message = messageSchema.parse((await graphGet(meUrl(f.sandbox, `messages/${id}`), f.token)).body);
    expect(message.hasAttachments).toBe(true);
    const list = listSchema.parse((await graphGet(meUrl(f.sandbox, `messages/${id}/attachments`), f.token)).body);
    const attachments = list.value.map((entry) => attachmentSchema.parse(entry));
    expect(attachments.map((a) => [a.name, a.contentType, a.size, a.isInline])).toEqual([
      ['report.pdf', 'application/pdf', 6, false],
      ['note.txt', 'text/plain', 5, false],
    ]);
    expect(Buffer.from(attachments[0]!.contentBytes, 'base64')).toEqual(bytes);
    const raw = await fetch(meUrl(f.sandbox, `messages/${id}/attachments/${attachments[0]!.id}/$value`), {
      headers: { authorization: `Bearer ${f.token}` },
    });
    expect(raw.status).toBe(200);
    expect(Buffer.from(await raw.arrayBuffer())).toEqual(bytes);
  });

  it('refuses /me to an app-only token, and reads /users/{id} with the app role', async () => {
    const app = await appAccessToken(f.sandbox);
    const me = expectGraphError(await graphGet(meUrl(f.sandbox, 'mailFolders'), app), 400, 'BadRequest');
    expect(me.message).toBe('/me request is only valid with delegated authentication flow.');
    const users = await graphGet(`${f.sandbox.graphBaseUrl}/users/${f.userId}/mailFolders/inbox`, app);
    expect(users.status, users.text).toBe(200);
    f.sandbox.mail.setAppRoles(f.sandbox.clientId, []);
    expectGraphError(
      await graphGet(`${f.sandbox.graphBaseUrl}/users/${f.userId}/mailFolders/inbox`, app),
      403,
      'ErrorAccessDenied',
    );
  });

  it('refuses a delegated token without Mail.Read, and another user’s mailbox', async () => {
    // A user of its own: consented scopes accumulate per user and app, as on Entra.
    const filesUser = await f.sandbox.control.createUser({ displayName: 'Files Only' });
    const filesOnly = await userAccessToken(f.sandbox, filesUser.id, ['Files.Read.All']);
    const denied = expectGraphError(
      await graphGet(meUrl(f.sandbox, 'mailFolders/inbox'), filesOnly),
      403,
      'ErrorAccessDenied',
    );
    expect(denied.message).toBe('Access is denied. Check credentials and try again.');
    const readWrite = await mailToken(f.sandbox, f.userId, ['Mail.ReadWrite']);
    expect((await graphGet(meUrl(f.sandbox, 'mailFolders/inbox'), readWrite)).status).toBe(200);

    const other = await f.sandbox.control.createUser({ displayName: 'Other User' });
    expectGraphError(
      await graphGet(`${f.sandbox.graphBaseUrl}/users/${other.id}/messages`, f.token),
      403,
      'ErrorAccessDenied',
    );
    const otherToken = await mailToken(f.sandbox, other.id);
    expect((await graphGet(`${f.sandbox.graphBaseUrl}/users/${other.id}/messages`, otherToken)).status).toBe(200);
    expectGraphError(
      await graphGet(`${f.sandbox.graphBaseUrl}/users/nobody/messages`, f.token),
      404,
      'ErrorInvalidUser',
    );
    expectGraphError(
      await graphGet(meUrl(f.sandbox, 'mailFolders/inbox'), 'not-a-token'),
      401,
      'InvalidAuthenticationToken',
    );
  });

  it('reset empties the mailboxes', async () => {
    const id = f.sandbox.mail.deliver(f.userId, { subject: 'gone after reset', from: 'x@contoso.test' }).id;
    await f.sandbox.control.reset();
    const token = await mailToken(f.sandbox);
    expectGraphError(await graphGet(meUrl(f.sandbox, `messages/${id}`), token), 404, 'ErrorItemNotFound');
  });
});
