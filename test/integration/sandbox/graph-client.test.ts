// The real @microsoft/microsoft-graph-client against the sandbox: relative calls and absolute
// https nextLinks/deltaLinks must all carry the bearer token (docs/invariants.md, "Platform pitfalls"), which the
// sandbox's request log proves (every page is attributed to the signed-in user).
import { Client, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { deltaPageSchema, driveItemSchema } from './graph-test-schemas.js';
import { refresh, startTestSandbox } from './sandbox-test-kit.js';

describe('sandbox with the real Graph JS client', () => {
  let sandbox: Sandbox;
  let client: Client;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ pageSizeJitter: 0.3, duplicateRate: 0.05, childFirst: 0.3 });
    const { refreshToken } = await sandbox.control.issueRefreshToken({
      userId: sandbox.defaultUserId,
      scopes: ['Files.Read.All'],
    });
    let current = refreshToken;
    // The provider asks the sandbox's token endpoint, as the app's token manager would.
    const authProvider: AuthenticationProvider = {
      getAccessToken: async () => {
        const tokens = await refresh(sandbox, current);
        current = tokens.refresh_token ?? current;
        return tokens.access_token;
      },
    };
    client = Client.initWithMiddleware({
      authProvider,
      baseUrl: sandbox.baseUrl,
      defaultVersion: 'v1.0',
      customHosts: new Set(['127.0.0.1', 'localhost']),
    });
  });
  afterAll(() => sandbox.stop());

  it('enumerates a delta to the end over absolute nextLinks, each request authenticated', async () => {
    const rootId = driveItemSchema.parse(await client.api('/me/drive/root').get()).id;
    await sandbox.control.generateItems(sandbox.defaultDriveId, rootId, { count: 500, foldersEvery: 50 });
    await sandbox.control.clearRequestLog();

    const seen = new Set<string>();
    let page = deltaPageSchema.parse(await client.api('/me/drive/root/delta').top(40).get());
    let pages = 1;
    for (; page['@odata.nextLink'] && pages < 200; pages++) {
      for (const item of page.value) seen.add(item.id);
      page = deltaPageSchema.parse(await client.api(page['@odata.nextLink']).get());
    }
    for (const item of page.value) seen.add(item.id);
    expect(page['@odata.deltaLink']).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\//);
    expect(seen.size).toBe(501);

    const log = await sandbox.control.requestLog();
    const deltaRequests = log.filter((entry) => entry.path.includes('/delta'));
    expect(deltaRequests).toHaveLength(pages);
    expect(deltaRequests.every((entry) => entry.status === 200 && entry.userId === sandbox.defaultUserId)).toBe(true);

    // The deltaLink works the same way, and returns only what changed since.
    const file = await sandbox.control.createFile(sandbox.defaultDriveId, rootId, 'late.txt', 'late');
    const changes = deltaPageSchema.parse(await client.api(page['@odata.deltaLink']!).get());
    expect(changes.value.map((item) => item.id)).toContain(file.id);
  });
});
