// Issue 3 §8: per-user request budget and resource units (docs/graph-behaviour.md §5), RateLimit-*
// headers past 80 %, and injected faults for the next N matching requests.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { graphErrorSchema } from './graph-test-schemas.js';
import { appAccessToken, graphGet, useResetSandbox, userAccessToken } from './sandbox-test-kit.js';

describe('sandbox throttling and faults', () => {
  let sandbox: Sandbox;
  let token: string;
  let driveUrl: string;

  const fixture = useResetSandbox();
  beforeEach(async () => {
    ({ sandbox, token } = fixture);
    driveUrl = `${sandbox.graphBaseUrl}/drives/${sandbox.defaultDriveId}`;
  });

  it('throttles a user past the request budget with a fractional Retry-After, until the window passes', async () => {
    await sandbox.control.settings({ userRequestLimit: 5 });
    for (let i = 0; i < 5; i++) expect((await graphGet(driveUrl, token)).status).toBe(200);
    const throttled = await graphGet(driveUrl, token);
    expect(throttled.status).toBe(429);
    expect(graphErrorSchema.parse(throttled.body).error.code).toBe('TooManyRequests');
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);
    // Another user is not affected.
    const other = await sandbox.control.createUser();
    await sandbox.control.createDrive({ driveType: 'business', ownerUserId: other.id });
    expect((await graphGet(`${sandbox.graphBaseUrl}/me/drive`, await userAccessToken(sandbox, other.id))).status).toBe(
      200,
    );
    await sandbox.control.advanceClock(5 * 60 * 1000);
    expect((await graphGet(driveUrl, token)).status).toBe(200);
  });

  it('records resource units per request as documented', async () => {
    const rootId = ((await graphGet(`${driveUrl}/root`, token)).body as { id: string }).id;
    const folder = await sandbox.control.createFolder(sandbox.defaultDriveId, rootId, 'f');
    const file = await sandbox.control.createFile(sandbox.defaultDriveId, folder.id, 'a.txt', 'a');
    await sandbox.control.clearRequestLog();
    await graphGet(`${driveUrl}/items/${file.id}`, token); // single get: 1
    await graphGet(`${driveUrl}/items/${folder.id}/children`, token); // multi-item query: 2
    await graphGet(`${driveUrl}/items/${file.id}/content`, token); // download: 1
    const full = (await graphGet(`${driveUrl}/root/delta`, token)).body as { '@odata.deltaLink': string }; // no token: 2
    await graphGet(full['@odata.deltaLink'], token); // with a token: 1
    const log = await sandbox.control.requestLog();
    expect(log.map((entry) => entry.ru)).toEqual([1, 2, 1, 2, 1]);
    expect(log.every((entry) => entry.userId === sandbox.defaultUserId)).toBe(true);
    expect(log[4]!.path).not.toContain('token=');
  });

  it('sends RateLimit-* headers past 80 % of the app budget and 429 past 100 %', async () => {
    await sandbox.control.settings({ appResourceUnitsPerMinute: 10 });
    const appToken = await appAccessToken(sandbox);
    const quiet = await graphGet(driveUrl, appToken);
    expect(quiet.headers.get('ratelimit-limit')).toBeNull();
    for (let i = 0; i < 7; i++) await graphGet(driveUrl, appToken);
    const warned = await graphGet(driveUrl, appToken); // 9 of 10 RU used
    expect(warned.status).toBe(200);
    expect(warned.headers.get('ratelimit-limit')).toBe('10');
    expect(warned.headers.get('ratelimit-remaining')).toBe('1');
    expect(Number(warned.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    await graphGet(driveUrl, appToken);
    const refused = await graphGet(driveUrl, appToken);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('injects 429, 503 and 504 for the next N matching requests, then serves normally', async () => {
    await sandbox.control.injectFault({ pathPattern: '/root/delta', kind: '429', count: 2, retryAfterSeconds: 1.5 });
    await sandbox.control.injectFault({
      method: 'GET',
      pathPattern: '^/v1\\.0/drives/[^/]+$',
      kind: '503',
      count: 1,
      retryAfterSeconds: 3,
    });
    await sandbox.control.injectFault({ pathPattern: '/children$', kind: '504', count: 1 });
    const first = await graphGet(`${driveUrl}/root/delta`, token);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1.5');
    expect((await graphGet(`${driveUrl}/root/delta`, token)).status).toBe(429);
    expect((await graphGet(`${driveUrl}/root/delta`, token)).status).toBe(200);
    const unavailable = await graphGet(driveUrl, token);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('3');
    expect((await graphGet(`${driveUrl}/root/children`, token)).status).toBe(504);
    expect((await graphGet(`${driveUrl}/root/children`, token)).status).toBe(200);
  });

  it('injects connection resets and delays', async () => {
    await sandbox.control.injectFault({ pathPattern: '/root$', kind: 'reset', count: 1 });
    await expect(graphGet(`${driveUrl}/root`, token)).rejects.toThrow();
    expect((await graphGet(`${driveUrl}/root`, token)).status).toBe(200);
    await sandbox.control.injectFault({ pathPattern: '/root$', kind: 'delay', count: 1, delayMs: 50 });
    expect((await graphGet(`${driveUrl}/root`, token)).status).toBe(200);
    const statuses = (await sandbox.control.requestLog())
      .filter((entry) => entry.path.endsWith('/root'))
      .map((entry) => entry.status);
    expect(statuses).toEqual([0, 200, 200]);
  });
});
