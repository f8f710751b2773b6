// Issue 3 §3: /content answers 302 to a pre-authenticated, expiring URL served by the sandbox;
// Range on it gives 206 with Content-Range; If-None-Match gives 304 (docs/graph-behaviour.md §2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { graphErrorSchema } from './graph-test-schemas.js';
import { graphGet, request, startTestSandbox, userAccessToken } from './sandbox-test-kit.js';

describe('sandbox downloads', () => {
  let sandbox: Sandbox;
  let token: string;
  let contentUrl: string;
  let eTag: string;
  let cTag: string;
  const content = '0123456789abcdefghij';

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    token = await userAccessToken(sandbox);
    const drive = await sandbox.control.createDrive({ driveType: 'business', ownerUserId: sandbox.defaultUserId });
    const file = await sandbox.control.createFile(drive.driveId, drive.rootId, 'digits.txt', content);
    contentUrl = `${sandbox.graphBaseUrl}/drives/${drive.driveId}/items/${file.id}/content`;
    eTag = file.eTag;
    cTag = file.cTag;
  });
  afterAll(() => sandbox.stop());

  it('redirects /content with 302 to a URL that needs no Authorization header', async () => {
    const redirect = await graphGet(contentUrl, token);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location.startsWith(`${sandbox.baseUrl}/_download/`)).toBe(true);
    const download = await request(location);
    expect(download.status).toBe(200);
    expect(download.text).toBe(content);
  });

  it('serves a byte range with 206 and Content-Range, and 416 for an unsatisfiable one', async () => {
    const location = (await graphGet(contentUrl, token)).headers.get('location')!;
    const partial = await request(location, { headers: { range: 'bytes=5-9' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 5-9/${content.length}`);
    expect(partial.text).toBe('56789');
    const suffix = await request(location, { headers: { range: 'bytes=-3' } });
    expect(suffix.text).toBe('hij');
    const beyond = await request(location, { headers: { range: 'bytes=100-' } });
    expect(beyond.status).toBe(416);
    expect(graphErrorSchema.parse(beyond.body).error.code).toBe('invalidRange');
  });

  it('answers 304 to If-None-Match with the current eTag or cTag, and 302 once the content changed', async () => {
    expect((await graphGet(contentUrl, token, { 'if-none-match': eTag })).status).toBe(304);
    expect((await graphGet(contentUrl, token, { 'if-none-match': cTag })).status).toBe(304);
    expect(
      (await graphGet(contentUrl, token, { 'if-none-match': '"{00000000-0000-0000-0000-000000000000},1"' })).status,
    ).toBe(302);
    const download = (await graphGet(contentUrl, token)).headers.get('location')!;
    expect((await request(download, { headers: { 'if-none-match': eTag } })).status).toBe(304);
    const [, driveId, itemId] = /\/drives\/([^/]+)\/items\/([^/]+)\/content$/.exec(contentUrl)!;
    await sandbox.control.updateFile(driveId!, itemId!, 'new content');
    expect((await graphGet(contentUrl, token, { 'if-none-match': eTag })).status).toBe(302);
    expect((await graphGet(contentUrl, token, { 'if-none-match': cTag })).status).toBe(302);
  });

  it('expires download URLs on the sandbox clock and rejects forged ones', async () => {
    const location = (await graphGet(contentUrl, token)).headers.get('location')!;
    expect((await request(`${location.slice(0, -3)}abc`)).status).toBe(401);
    await sandbox.control.advanceClock(61 * 60 * 1000);
    expect((await request(location)).status).toBe(401);
  });
});
