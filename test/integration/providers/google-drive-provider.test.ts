// The Google Drive provider against the Google sandbox, through the real @googleapis/drive client:
// usage limits and backend errors backed off, a 401 answered by one refresh, content streamed with
// Range, Docs exported in the source's format, an export over Google's limit refused clearly, and
// watch channels created (with the sync handshake pushed to us) and stopped.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentUnavailableError, TransientError } from '../../../shared/core/domain/errors.js';
import type { SourceRecord } from '../../../shared/core/domain/source.js';
import { startGoogleHarness, type GoogleHarness } from '../../support/google-harness.js';

let h: GoogleHarness;
let source: SourceRecord;
let receiver: Server;
const pushes: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  h = await startGoogleHarness({ seed: 3 });
  source = await h.register({ myDrive: true }, { kbId: 'kbprov', sourceId: 'drive' });
  receiver = createServer((request, response) => {
    pushes.push(request.headers);
    response.writeHead(200).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await h.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

const text = async (body: NodeJS.ReadableStream | undefined) => {
  const chunks: Buffer[] = [];
  for await (const chunk of body ?? []) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
};

describe('Google Drive provider: HTTP behaviour', () => {
  it('backs off through usage limits and backend errors, then succeeds', async () => {
    const c = h.sandbox.control;
    c.clearRequestLog();
    c.injectFault({
      path: '^/drive/v3/changes/startPageToken$',
      status: 403,
      reason: 'userRateLimitExceeded',
      count: 1,
    });
    c.injectFault({ path: '^/drive/v3/changes/startPageToken$', status: 429, reason: 'rateLimitExceeded', count: 1 });
    c.injectFault({ path: '^/drive/v3/changes/startPageToken$', status: 503, reason: 'backendError', count: 1 });
    const page = await h.provider.fetchChanges(source, 'default', undefined);
    expect(page.items[0]?.isRoot).toBe(true);
    const statuses = c
      .requestLog()
      .filter((entry) => entry.path === '/drive/v3/changes/startPageToken')
      .map((e) => e.status);
    expect(statuses).toEqual([403, 429, 503, 200]);
  });

  it('gives up with a TransientError when the limit outlasts the inline retries', async () => {
    h.sandbox.control.injectFault({
      path: '^/drive/v3/changes/startPageToken$',
      status: 429,
      reason: 'rateLimitExceeded',
      count: 20,
    });
    const failure = await h.provider.fetchChanges(source, 'default', undefined).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as TransientError).retryAfterMs).toBeGreaterThan(0);
    h.sandbox.control.clearFaults();
  });

  it('answers a 401 with one fresh token, not more', async () => {
    const c = h.sandbox.control;
    const before = h.tokens.refreshes;
    c.injectFault({ path: '^/drive/v3/files/root$', status: 401, reason: 'authError', count: 1 });
    await h.provider.validateConnection(source);
    expect(h.tokens.refreshes).toBe(before + 1);
    c.injectFault({ path: '^/drive/v3/files/root$', status: 401, reason: 'authError', count: 2 });
    await expect(h.provider.validateConnection(source)).rejects.toThrow(/connect the source again/);
  });

  it('streams a blob with Range, exports a Doc, and refuses an export over the limit', async () => {
    const c = h.sandbox.control;
    const root = c.myDriveRootId();
    const blob = c.createFile({ parentIds: [root], name: 'range.txt', content: '0123456789' });
    const whole = await h.provider.downloadContent(source, blob.id, {});
    expect(whole.status).toBe(200);
    expect(await text(whole.body)).toBe('0123456789');
    const part = await h.provider.downloadContent(source, blob.id, { range: 'bytes=2-5' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 2-5/10');
    expect(await text(part.body)).toBe('2345');
    const outside = await h.provider.downloadContent(source, blob.id, { range: 'bytes=50-60' });
    expect(outside.status).toBe(416);

    const doc = c.createFile({ parentIds: [root], name: 'Plan', mimeType: 'application/vnd.google-apps.document' });
    const exported = await h.provider.downloadContent(source, doc.id, {});
    expect(exported.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect((await text(exported.body)).length).toBeGreaterThan(0);
    const pdfSource = { ...source, resolvedLocation: { ...source.resolvedLocation, exportFormat: 'pdf' } };
    expect((await h.provider.downloadContent(pdfSource, doc.id, {})).headers['content-type']).toBe('application/pdf');

    const huge = c.createFile({
      parentIds: [root],
      name: 'Huge',
      mimeType: 'application/vnd.google-apps.spreadsheet',
      sizeBytes: 11 * 1024 * 1024,
    });
    const refused = await h.provider.downloadContent(source, huge.id, {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ContentUnavailableError);
    expect((refused as Error).message).toMatch(/10 MB/);
    const form = c.createFile({ parentIds: [root], name: 'Survey', mimeType: 'application/vnd.google-apps.form' });
    await expect(h.provider.downloadContent(source, form.id, {})).rejects.toBeInstanceOf(ContentUnavailableError);
  });

  it('creates a channel (the sync handshake arrives), pushes changes, and stops it', async () => {
    const c = h.sandbox.control;
    const address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/google`;
    const secret = 's'.repeat(43);
    const now = c.now();
    const info = await h.provider.watch!.create(source, {
      callbackUrl: address,
      secret,
      expiresAt: new Date(now + 30 * 86_400_000).toISOString(),
    });
    // Google grants at most a week for changes channels.
    expect(Date.parse(info.expiresAt) - now).toBeLessThanOrEqual(7 * 86_400_000 + 5_000);
    expect(Date.parse(info.expiresAt) - now).toBeGreaterThan(6 * 86_400_000);
    expect(info.resource).toEqual(expect.any(String));
    await c.settleDeliveries();
    expect(pushes.at(-1)).toMatchObject({
      'x-goog-channel-id': info.watchId,
      'x-goog-channel-token': secret,
      'x-goog-resource-state': 'sync',
      'x-goog-message-number': '1',
      'x-goog-resource-id': info.resource,
    });
    c.createFile({ parentIds: [c.myDriveRootId()], name: 'pushed.txt', content: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    await c.settleDeliveries();
    expect(pushes.at(-1)).toMatchObject({ 'x-goog-resource-state': 'change', 'x-goog-message-number': '2' });

    await h.provider.watch!.delete(source, { watchId: info.watchId, resource: info.resource });
    expect(c.channels().map((channel) => channel.id)).not.toContain(info.watchId);
    // Stopping it again is not an error: it is gone.
    await expect(
      h.provider.watch!.delete(source, { watchId: info.watchId, resource: info.resource }),
    ).resolves.toBeUndefined();
  });
});
