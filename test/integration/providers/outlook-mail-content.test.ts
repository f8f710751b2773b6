// The MIME form of a message and its attachments come through the real provider as streams: the
// provider hands the body on chunk by chunk as Graph sends it, never as one buffer.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';

describe('Outlook mail content through the provider', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({});
  });
  afterAll(async () => h.stop());

  it('streams a 4 MB message as message/rfc822, and an attachment as its bytes', async () => {
    const mail = h.sandbox.mail;
    const user = h.sandbox.defaultUserId;
    const body = 'x'.repeat(4 * 1024 * 1024);
    const sent = mail.deliver(user, {
      subject: 'Big',
      from: 'megan@contoso.com',
      body,
      attachments: [{ name: 'a.bin', contentType: 'application/octet-stream', content: Buffer.from([0, 1, 2, 255]) }],
    });
    const source = await h.registerSource({ type: 'outlook_mail', location: { mailbox: { userId: user } } });
    const provider = h.providers.get('outlook_mail');

    const answer = await provider.downloadContent(source, sent.id, {});
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('message/rfc822');
    expect(answer.body).toBeInstanceOf(Readable);
    let chunks = 0;
    let bytes = 0;
    let head = '';
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      if (chunks === 0) head = chunk.subarray(0, 4096).toString('utf8');
      chunks += 1;
      bytes += chunk.length;
    }
    // More than one chunk: it was passed on as it came, not collected first.
    expect(chunks).toBeGreaterThan(1);
    expect(bytes).toBeGreaterThan(body.length);
    expect(head).toMatch(/^Subject: Big/m);

    const [attachment] = await provider.attachments!.list(source, sent.id);
    expect(attachment).toMatchObject({ name: 'a.bin', size: 4, isInline: false });
    const bytesAnswer = await provider.attachments!.download(source, sent.id, attachment!.id, {});
    const received: Buffer[] = [];
    for await (const chunk of bytesAnswer.body as AsyncIterable<Buffer>) received.push(chunk);
    expect([...Buffer.concat(received)]).toEqual([0, 1, 2, 255]);
  });

  it('keeps to the mailbox concurrency limit: twelve parallel downloads, not one 429', async () => {
    const mail = h.sandbox.mail;
    const user = h.sandbox.defaultUserId;
    // Each request stays in flight 150 ms, so parallel downloads really overlap at the sandbox.
    mail.setThrottling({ maxConcurrentPerMailbox: 4, latencyMs: 150 });
    try {
      const ids = Array.from({ length: 12 }, (_, n) => mail.deliver(user, { subject: `p${n}`, from: 'a@b.com' }).id);
      const source = await h.registerSource({
        sourceId: 'parallel',
        type: 'outlook_mail',
        location: { mailbox: { userId: user } },
      });
      const provider = h.providers.get('outlook_mail');
      const before = await h.sandbox.control.requestLog();
      const sizes = await Promise.all(
        ids.map(async (id) => {
          const answer = await provider.downloadContent(source, id, {});
          let bytes = 0;
          for await (const chunk of answer.body as AsyncIterable<Buffer>) bytes += chunk.length;
          return bytes;
        }),
      );
      expect(sizes.every((size) => size > 0)).toBe(true);
      const during = (await h.sandbox.control.requestLog()).slice(before.length);
      expect(during.filter((entry) => entry.path.endsWith('/$value')).length).toBe(12);
      expect(during.filter((entry) => entry.status === 429)).toEqual([]);
    } finally {
      mail.setThrottling({ maxConcurrentPerMailbox: 4, latencyMs: 0 });
    }
  });

  it('answers a message that is gone as not found, not as a broken stream', async () => {
    const source = await h.registerSource({
      sourceId: 'gone',
      type: 'outlook_mail',
      location: { mailbox: { userId: h.sandbox.defaultUserId } },
    });
    await expect(
      h.providers.get('outlook_mail').downloadContent(source, 'AAkALgAAAAAAHYQDEapmEc2by=', {}),
    ).rejects.toThrow(/not found|no longer exists/i);
  });
});
