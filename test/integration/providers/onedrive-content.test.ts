// downloadContent against the sandbox: 302 from /content, then the pre-authenticated URL fetched
// without our token, with Range and If-None-Match; bodies are streams.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../shared/core/domain/source.js';
import { NotFoundError } from '../../../shared/core/domain/errors.js';
import type { ContentResponse } from '../../../shared/core/ports/provider-ports.js';
import { startProviderHarness, type ProviderHarness } from '../../support/provider-harness.js';
import { driveView, sourceRecordFor } from '../../support/source-record.js';

const CONTENT = 'The quick brown fox jumps over the lazy dog.\n'.repeat(2_000);

async function readAll(response: ContentResponse): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

describe('OneDrive provider: content against the sandbox', () => {
  let harness: ProviderHarness;
  let source: SourceRecord;
  let fileId: string;
  let eTag: string;

  beforeAll(async () => {
    harness = await startProviderHarness();
    const { control } = harness.sandbox;
    const drive = await control.createDrive({ driveType: 'business', ownerUserId: harness.sandbox.defaultUserId });
    source = sourceRecordFor(drive.driveId);
    const file = await control.createFile(drive.driveId, drive.rootId, 'fox.txt', CONTENT, 'text/plain');
    fileId = file.id;
    eTag = file.eTag;
  });

  afterAll(() => harness.stop());

  it('streams the whole file with its headers, following the 302 without the bearer token', async () => {
    await harness.sandbox.control.clearRequestLog();
    const response = await harness.provider.downloadContent(source, fileId, {});
    expect(response.status).toBe(200);
    expect(response.body).toBeInstanceOf(Readable);
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.headers['content-length']).toBe(String(CONTENT.length));
    expect(response.headers.etag).toBe(eTag);
    expect(await readAll(response)).toBe(CONTENT);

    const log = await harness.sandbox.control.requestLog();
    const contentCall = log.find((entry) => entry.path.endsWith('/content'));
    const downloadCall = log.find((entry) => entry.path.startsWith('/_download/'));
    expect(contentCall).toMatchObject({ status: 302, userId: harness.sandbox.defaultUserId });
    expect(downloadCall).toMatchObject({ status: 200, userId: null });
  });

  it('passes Range to the download URL: 206 with Content-Range', async () => {
    const response = await harness.provider.downloadContent(source, fileId, { range: 'bytes=4-8' });
    expect(response.status).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes 4-8/${CONTENT.length}`);
    expect(await readAll(response)).toBe('quick');
  });

  it('answers 304 without a body when If-None-Match carries the current eTag', async () => {
    const response = await harness.provider.downloadContent(source, fileId, { ifNoneMatch: eTag });
    expect(response.status).toBe(304);
    expect(response.body).toBeUndefined();
  });

  it('answers 416 for a range past the end', async () => {
    const response = await harness.provider.downloadContent(source, fileId, { range: `bytes=${CONTENT.length + 10}-` });
    expect(response.status).toBe(416);
    expect(response.body).toBeUndefined();
    // The size travels on; the dropped error body's length does not (clients would wait for it).
    expect(response.headers['content-range']).toBe(`bytes */${CONTENT.length}`);
    expect(response.headers['content-length']).toBeUndefined();
  });

  it('serves the new content after an update, and 200 for the old eTag', async () => {
    await harness.sandbox.control.updateFile(driveView(source).driveId, fileId, 'changed');
    const response = await harness.provider.downloadContent(source, fileId, { ifNoneMatch: eTag });
    expect(response.status).toBe(200);
    expect(await readAll(response)).toBe('changed');
  });

  it('asks /content for a fresh download URL once when the first one has expired', async () => {
    const { control } = harness.sandbox;
    await control.settings({ downloadUrlLifetimeMs: 60_000 });
    await control.clearRequestLog();
    // Hold the first download request long enough to age its URL past its lifetime on the sandbox
    // clock, once /content has issued it (seen in the request log; bounded polling).
    await control.injectFault({ pathPattern: '^/_download/', kind: 'delay', count: 1, delayMs: 1_500 });
    const download = harness.provider.downloadContent(source, fileId, {});
    let issued = false;
    for (let poll = 0; poll < 100 && !issued; poll += 1) {
      issued = (await control.requestLog()).some((entry) => entry.path.endsWith('/content'));
      if (!issued) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(issued).toBe(true);
    // Past the URL's lifetime (1 minute here) but well within the access token's (60+ minutes).
    await control.advanceClock(2 * 60 * 1000);

    const response = await download;
    expect(response.status).toBe(200);
    expect(await readAll(response)).toBe('changed');
    const calls = (await control.requestLog()).map((entry) => [
      entry.path.startsWith('/_download/') ? 'download' : 'content',
      entry.status,
    ]);
    expect(calls).toEqual([
      ['content', 302],
      ['download', 401],
      ['content', 302],
      ['download', 200],
    ]);
  });

  it("stops when the caller aborts, with the caller's abort reason rather than a TransientError", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await harness.provider
      .downloadContent(source, fileId, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(error).toBe(controller.signal.reason);
    expect((error as Error).name).toBe('AbortError');
  });

  it('answers NotFoundError for an item that is not there', async () => {
    await expect(harness.provider.downloadContent(source, 'missing', {})).rejects.toBeInstanceOf(NotFoundError);
  });
});
