// Issue 10 item 10 (a): a sandbox started with a state file (what `npm start` does) is the same
// tenant after a restart, even on another port: ids and client secret, drives and items with their
// content, grants and refresh tokens, delta tokens, registered redirect URIs and its clock. A
// damaged file stops start-up with a message and is left as it is.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import { enumerateDelta, graphGet, refresh, request } from './sandbox-test-kit.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'kb-sync-sandbox-state-'));
const stateFile = path.join(workDir, 'tenant.json');
const started: Sandbox[] = [];

async function start(): Promise<Sandbox> {
  const sandbox = await startSandbox({ stateFile, settings: { pageSizeJitter: 0, duplicateRate: 0, childFirst: 0 } });
  started.push(sandbox);
  return sandbox;
}

afterAll(async () => {
  for (const sandbox of started) await sandbox.stop().catch(() => undefined);
  rmSync(workDir, { recursive: true, force: true });
});

describe('a sandbox with a state file', () => {
  it('is the same tenant after a restart on another port: ids, secret, items, grants, delta tokens, clock', async () => {
    const first = await start();
    const info = await first.control.tenant();
    const file = await first.control.createFile(first.defaultDriveId, info.defaultDriveRootId, 'kept.txt', 'hello');
    const { refreshToken } = await first.control.issueRefreshToken({
      userId: first.defaultUserId,
      scopes: ['Files.Read.All'],
    });
    const { access_token: accessToken } = await refresh(first, refreshToken);
    const crawl = await enumerateDelta(`${first.graphBaseUrl}/drives/${first.defaultDriveId}/root/delta`, accessToken);
    await first.control.setRedirectUris(first.clientId, ['http://localhost:7071/api/connect/callback']);
    const clockBefore = await first.control.advanceClock(60_000);
    const port = new URL(first.baseUrl).port;
    await first.stop();
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);

    const second = await start();
    expect(new URL(second.baseUrl).port).not.toBe(port);
    expect(await second.control.tenant()).toEqual(info);
    expect(second.clientSecret).toBe(first.clientSecret);
    // The refresh token the app stored before the restart still works, and rotates as before.
    const refreshed = await refresh(second, refreshToken);
    expect(refreshed.refresh_token).toBeDefined();
    // Items and their content are still there.
    expect(await second.control.getItem(second.defaultDriveId, file.id)).toEqual(file);
    const content = await graphGet(
      `${second.graphBaseUrl}/drives/${second.defaultDriveId}/items/${file.id}/content`,
      refreshed.access_token,
    );
    expect([200, 302]).toContain(content.status);
    // The stored deltaLink (its token is signed) continues: only what changed since shows up.
    await second.control.createFile(second.defaultDriveId, info.defaultDriveRootId, 'after.txt', 'new');
    const deltaLink = crawl.deltaLink.replace(first.baseUrl, second.baseUrl);
    const next = await enumerateDelta(deltaLink, refreshed.access_token);
    const names = next.items.map((item) => item.name);
    expect(names).toContain('after.txt');
    expect(names).not.toContain('kept.txt');
    expect((await second.control.apps()).find((app) => app.clientId === second.clientId)?.redirectUris).toEqual([
      'http://localhost:7071/api/connect/callback',
    ]);
    expect(await second.control.now()).toBeGreaterThanOrEqual(clockBefore);
    await second.stop();
  });

  it('has a rotated refresh token in its state file before the token answer arrives (a kill -9 then loses nothing)', async () => {
    const sandbox = await start();
    const { refreshToken } = await sandbox.control.issueRefreshToken({
      userId: sandbox.defaultUserId,
      scopes: ['Files.Read.All'],
    });
    const rotated = (await refresh(sandbox, refreshToken)).refresh_token;
    expect(rotated).toBeDefined();
    // Read at once, with no stop and no wait: the debounced write would come 500 ms later.
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { identity: { refreshTokens: [string, unknown][] } };
    expect(saved.identity.refreshTokens.map(([value]) => value)).toContain(rotated);
    await sandbox.stop();
  });

  it('refuses to start from a damaged state file and leaves it untouched', async () => {
    const damaged = path.join(workDir, 'damaged.json');
    writeFileSync(damaged, '{"version":1,"tenantId":');
    await expect(startSandbox({ stateFile: damaged })).rejects.toThrow(/damaged\.json is not valid JSON/);
    expect(readFileSync(damaged, 'utf8')).toBe('{"version":1,"tenantId":');
    writeFileSync(damaged, JSON.stringify({ version: 99 }));
    await expect(startSandbox({ stateFile: damaged })).rejects.toThrow(/does not hold a sandbox tenant/);
  });

  it('without a state file, each start is a fresh tenant (tests)', async () => {
    const a = await startSandbox();
    const b = await startSandbox();
    started.push(a, b);
    expect(a.tenantId).not.toBe(b.tenantId);
    const unknown = await request(`${b.authorityHost}/${b.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: a.clientId }).toString(),
    });
    expect(unknown.status).toBe(400);
  });
});
