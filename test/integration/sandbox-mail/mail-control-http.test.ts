// The mail control over HTTP (/_sandbox/mail/…), for a running `npm start` sandbox: the same
// changes as sandbox.mail, with zod-checked bodies (400 invalidInput) and Outlook's refusals.
import { describe, expect, it } from 'vitest';
import { graphGet, request } from '../sandbox/sandbox-test-kit.js';
import { meUrl, messageSchema, useMailSandbox } from './mail-test-kit.js';

describe('mail control over HTTP', () => {
  const f = useMailSandbox();
  const call = (method: string, path: string, body?: unknown) =>
    request(`${f.sandbox.baseUrl}/_sandbox/mail${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('creates a folder, delivers with a base64 attachment, marks read and moves', async () => {
    const inbox = (await call('GET', `/users/${f.userId}/folders/inbox`)).body as { id: string };
    const folder = await call('POST', `/users/${f.userId}/folders`, { parentFolderId: inbox.id, displayName: 'Bills' });
    expect(folder.status, folder.text).toBe(201);
    const { id: folderId } = folder.body as { id: string };
    expect(
      (await call('POST', `/users/${f.userId}/folders`, { parentFolderId: inbox.id, displayName: 'bills' })).status,
    ).toBe(409);

    const delivered = await call('POST', `/users/${f.userId}/messages`, {
      subject: 'Invoice',
      from: 'billing@contoso.test',
      attachments: [
        {
          name: 'i.bin',
          contentType: 'application/octet-stream',
          contentBase64: Buffer.from([9, 8, 7]).toString('base64'),
        },
      ],
    });
    expect(delivered.status, delivered.text).toBe(201);
    const { id } = delivered.body as { id: string };
    expect(
      (await call('PATCH', `/users/${f.userId}/messages/${id}`, { isRead: true, destinationFolderId: folderId }))
        .status,
    ).toBe(204);
    const message = messageSchema.parse((await graphGet(meUrl(f.sandbox, `messages/${id}`), f.token)).body);
    expect(message).toMatchObject({ isRead: true, parentFolderId: folderId, hasAttachments: true });

    expect((await call('POST', `/users/${f.userId}/messages`, { subject: 'no sender' })).status).toBe(400);
    expect((await call('DELETE', `/users/${f.userId}/messages/${id}`)).status).toBe(204);
    expect((await call('DELETE', `/users/${f.userId}/messages/${id}`)).status).toBe(404);
    expect((await call('PATCH', '/throttling', { latencyMs: 0, maxConcurrentPerMailbox: 4 })).status).toBe(204);
  });
});
