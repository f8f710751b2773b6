// Issue 3 §10: contract tests. Each fixture under test/fixtures/graph/ is one of Microsoft's
// documented example payloads (the fixture names its doc). The schemas below are written here, for
// these tests only: a documented example and the sandbox's answer to the same kind of request must
// both satisfy them, so the sandbox cannot drift from the documented shapes unnoticed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { graphGet, postToken, startTestSandbox, userAccessToken } from './sandbox-test-kit.js';

const fixtureDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/graph');
const fixtureSchema = z.object({
  source: z.string().min(10),
  status: z.number().int(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown(),
});
function fixture(name: string): z.infer<typeof fixtureSchema> {
  return fixtureSchema.parse(JSON.parse(readFileSync(path.join(fixtureDir, name), 'utf8')));
}

// driveItem as driveitem.md describes it; only what both sides must agree on is required.
const contractItem = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    size: z.number().int().nonnegative().optional(),
    file: z
      .object({ mimeType: z.string().optional(), hashes: z.object({ quickXorHash: z.string() }).partial().optional() })
      .optional(),
    folder: z.object({ childCount: z.number().int().optional() }).optional(),
    deleted: z.object({ state: z.string().optional() }).optional(),
    parentReference: z
      .object({ driveId: z.string().optional(), id: z.string().optional(), path: z.string().optional() })
      .optional(),
  })
  .refine((item) => !(item.file && item.folder), { message: 'an item is a file or a folder, not both' });
const contractDeltaPage = z
  .object({
    value: z.array(contractItem),
    '@odata.nextLink': z.string().url().optional(),
    '@odata.deltaLink': z.string().url().optional(),
  })
  .refine((page) => (page['@odata.nextLink'] === undefined) !== (page['@odata.deltaLink'] === undefined), {
    message: 'exactly one of nextLink and deltaLink',
  });
const contractDrive = z.object({
  id: z.string().min(1),
  driveType: z.enum(['personal', 'business', 'documentLibrary']),
  owner: z.object({ user: z.object({ id: z.string(), displayName: z.string() }) }).optional(),
});
// errors.md: error.code and error.message, innerError with date and request-id.
const contractGraphError = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string().min(1),
    innerError: z
      .object({ date: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/), 'request-id': z.string().min(1) })
      .passthrough(),
  }),
});
const contractTokenSuccess = z.object({
  access_token: z.string().min(1),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().positive(),
  scope: z.string(),
  refresh_token: z.string().min(1),
});
const contractTokenError = z.object({
  error: z.string().min(1),
  error_description: z.string().regex(/^AADSTS(\d+): /),
  error_codes: z.array(z.number().int()).length(1),
  timestamp: z.string().regex(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
  trace_id: z.string().uuid(),
  correlation_id: z.string().uuid(),
  error_uri: z.string().url(),
});

describe('sandbox contract against Microsoft documented payloads', () => {
  let sandbox: Sandbox;
  let token: string;
  let driveId: string;
  let rootId: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    token = await userAccessToken(sandbox);
    const drive = await sandbox.control.createDrive({ driveType: 'personal', ownerUserId: sandbox.defaultUserId });
    driveId = drive.driveId;
    rootId = drive.rootId;
  });
  afterAll(() => sandbox.stop());

  it('delta pages: first page, last page with deletions, token=latest', async () => {
    const folder = await sandbox.control.createFolder(driveId, rootId, 'folder2');
    await sandbox.control.createFile(driveId, rootId, 'file.txt', 'x');
    const deltaUrl = `${sandbox.graphBaseUrl}/drives/${driveId}/root/delta`;
    for (const name of ['delta-first-page.json', 'delta-last-page.json', 'delta-latest.json']) {
      expect(() => contractDeltaPage.parse(fixture(name).body), name).not.toThrow();
    }
    const first = await graphGet(`${deltaUrl}?$top=1`, token);
    expect(first.status).toBe(fixture('delta-first-page.json').status);
    const firstPage = contractDeltaPage.parse(first.body);
    expect(firstPage['@odata.nextLink']).toBeDefined();

    let page = firstPage;
    for (let i = 0; i < 20 && page['@odata.nextLink']; i++)
      page = contractDeltaPage.parse((await graphGet(page['@odata.nextLink'], token)).body);
    await sandbox.control.deleteItem(driveId, folder.id);
    const changes: z.infer<typeof contractItem>[] = [];
    let next: string | undefined = page['@odata.deltaLink'];
    for (let i = 0; i < 20 && next; i++) {
      const changePage = contractDeltaPage.parse((await graphGet(next, token)).body);
      changes.push(...changePage.value);
      next = changePage['@odata.nextLink'];
    }
    expect(changes.find((item) => item.id === folder.id)?.deleted).toBeDefined();

    const latest = contractDeltaPage.parse((await graphGet(`${deltaUrl}?token=latest`, token)).body);
    expect(latest.value).toEqual((fixture('delta-latest.json').body as { value: unknown[] }).value);
  });

  it('driveItem and drive resources', async () => {
    expect(() => contractItem.parse(fixture('driveitem-upload-created.json').body)).not.toThrow();
    expect(() => contractItem.parse(fixture('driveitem-move.json').body)).not.toThrow();
    expect(() => contractDrive.parse(fixture('drive-get.json').body)).not.toThrow();
    const file = await sandbox.control.createFile(driveId, rootId, 'FileB.txt', 'The contents of the file goes here.');
    const item = contractItem.parse(
      (await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/items/${encodeURIComponent(file.id)}`, token)).body,
    );
    expect(item.size).toBe((fixture('driveitem-upload-created.json').body as { size: number }).size);
    expect(item.parentReference?.path).toBe(`/drives/${driveId}/root:`);
    contractDrive.parse((await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}`, token)).body);
  });

  it('410 resyncRequired and 429 TooManyRequests error bodies and headers', async () => {
    const resync = fixture('error-resync-required.json');
    const throttled = fixture('error-too-many-requests.json');
    contractGraphError.parse(resync.body);
    contractGraphError.parse(throttled.body);

    const deltaUrl = `${sandbox.graphBaseUrl}/drives/${driveId}/root/delta`;
    const latest = z
      .object({ '@odata.deltaLink': z.string() })
      .parse((await graphGet(`${deltaUrl}?token=latest`, token)).body);
    await sandbox.control.expireDeltaTokens(driveId);
    const gone = await graphGet(latest['@odata.deltaLink'], token);
    expect(gone.status).toBe(resync.status);
    expect(gone.headers.get('location')).toBeTruthy();
    const goneBody = contractGraphError.parse(gone.body);
    expect(goneBody.error.code).toBe((resync.body as { error: { code: string } }).error.code);
    expect(goneBody.error.message).toBe((resync.body as { error: { message: string } }).error.message);

    await sandbox.control.injectFault({ pathPattern: '/root/delta', kind: '429', count: 1 });
    const tooMany = await graphGet(deltaUrl, token);
    expect(tooMany.status).toBe(throttled.status);
    expect(tooMany.headers.get('retry-after')).toMatch(/^\d+(\.\d+)?$/);
    const tooManyBody = contractGraphError.parse(tooMany.body);
    expect(tooManyBody.error.code).toBe('TooManyRequests');
    expect(tooManyBody.error.message).toBe((throttled.body as { error: { message: string } }).error.message);
  });

  it('token endpoint success and error bodies', async () => {
    contractTokenSuccess.parse(fixture('token-refresh-success.json').body);
    const documentedError = contractTokenError.parse(fixture('token-error.json').body);
    expect(documentedError.error_description.startsWith(`AADSTS${documentedError.error_codes[0]}: `)).toBe(true);

    const { refreshToken } = await sandbox.control.issueRefreshToken({
      userId: sandbox.defaultUserId,
      scopes: ['Files.Read.All'],
    });
    const form = {
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    };
    const success = await postToken(sandbox, form);
    expect(success.status).toBe(fixture('token-refresh-success.json').status);
    contractTokenSuccess.parse(success.body);

    await sandbox.control.revokeGrant(sandbox.defaultUserId);
    const failure = await postToken(sandbox, form);
    expect(failure.status).toBe(fixture('token-error.json').status);
    const body = contractTokenError.parse(failure.body);
    expect(body.error_description.startsWith(`AADSTS${body.error_codes[0]}: `)).toBe(true);
    expect(body.error_uri).toBe(`https://login.microsoftonline.com/error?code=${body.error_codes[0]}`);
  });
});
