// Google grants through the app's one RefreshingTokenManager: the real local token store and lease on
// Azurite, the OAuth client registry the composition root builds (Microsoft as the default client,
// Google for google_drive), and the Google sandbox's token and revoke endpoints over loopback HTTPS.
// A grant Google ended (each documented cause) becomes "reconnect" with a readable reason; removing a
// source revokes its refresh token at Google; no token or secret reaches a log line.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoogleSandbox, type GoogleSandbox } from '../../../dev/sandbox/google/google-sandbox.js';
import {
  generateLocalTokenKeyEntry,
  parseLocalTokenKeys,
} from '../../../shared/adapters/azure-tables/local-token-keys.js';
import { LocalTokenStore } from '../../../shared/adapters/azure-tables/local-token-store.js';
import { TableLeaseStore } from '../../../shared/adapters/azure-tables/table-lease.js';
import { loadConfig } from '../../../shared/app/config.js';
import { createOAuthClientRegistry } from '../../../shared/app/oauth-clients.js';
import { ReauthRequiredError } from '../../../shared/core/domain/errors.js';
import type { OAuthClientRegistry } from '../../../shared/core/ports/oauth-client.js';
import { RefreshingTokenManager } from '../../../shared/core/tokens/refreshing-token-manager.js';
import { DRIVE_READONLY_SCOPE } from '../../../shared/providers/google/identity/google-oauth-client.js';
import { capturingLogger } from '../../support/logger.js';
import { googleSandboxEnv } from '../../support/google-sandbox-env.js';
import { freshTable, uniqueName } from '../../support/storage.js';

let sandbox: GoogleSandbox;
let clients: OAuthClientRegistry;
const logLines: string[] = [];
const logFields: Record<string, unknown>[] = [];

beforeAll(async () => {
  sandbox = await startGoogleSandbox();
  const config = loadConfig(googleSandboxEnv(sandbox));
  clients = createOAuthClientRegistry(config);
});

afterAll(async () => {
  await sandbox?.stop();
});

beforeEach(async () => {
  sandbox.control.reset();
});

async function setUp() {
  const store = new LocalTokenStore(await freshTable('grants'), parseLocalTokenKeys(generateLocalTokenKeyEntry('k1')));
  const manager = new RefreshingTokenManager({
    client: clients.get('onedrive'),
    clients,
    store,
    leases: new TableLeaseStore(await freshTable('leases'), 'token-refresh'),
    refreshMarginMs: 5 * 60_000,
    memoryCacheMs: 0,
    logger: capturingLogger(logLines, logFields),
    sleep: () => Promise.resolve(),
  });
  const source = { kbId: uniqueName('kb'), sourceId: 'drive-1' };
  const { refreshToken } = sandbox.control.issueRefreshToken({ scopes: [DRIVE_READONLY_SCOPE] });
  await manager.storeGrant(source, { refreshToken, sourceType: 'google_drive' });
  return { manager, store, source, refreshToken };
}

const tokenRequests = async () => sandbox.control.requestLog().filter((entry) => entry.path.endsWith('/token')).length;

describe('Google grants in the token manager', () => {
  it('are stored naming the Google client, refreshed at Google, and keep their refresh token (no rotation)', async () => {
    const { manager, store, source, refreshToken } = await setUp();
    expect(await store.read(source)).toMatchObject({ client: 'google', refreshToken, scopes: [DRIVE_READONLY_SCOPE] });
    const accessToken = await manager.getAccessToken(source);
    expect(accessToken).toEqual(expect.any(String));
    expect(await tokenRequests()).toBe(1);
    expect(await store.read(source)).toMatchObject({ refreshToken, accessToken });
  });

  it.each(['revoked', 'expired_inactive', 'testing_app_7_days', 'token_limit'] as const)(
    'a grant Google ended (%s) needs a reconnect, with a reason naming the causes, and stops calling Google',
    async (cause) => {
      const { manager, store, source, refreshToken } = await setUp();
      expect(sandbox.control.revokeGrant({ refreshToken, reason: cause })).toBe(1);
      const error = await manager.getAccessToken(source).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ReauthRequiredError);
      const reason = (error as ReauthRequiredError).reason;
      expect(reason).toMatch(/expired or revoked/);
      for (const named of ['revoked access', '6 months', '7 days', 'too many live refresh tokens']) {
        expect(reason).toContain(named);
      }
      expect((await store.read(source))?.invalid).toMatchObject({ error: 'invalid_grant', reason });
      const before = await tokenRequests();
      await expect(manager.getAccessToken(source)).rejects.toBeInstanceOf(ReauthRequiredError);
      expect(await tokenRequests()).toBe(before);
    },
  );

  it('removing the grant revokes the refresh token at Google before forgetting it', async () => {
    const { manager, store, source, refreshToken } = await setUp();
    await manager.revoke(source);
    expect(await store.read(source)).toBeUndefined();
    const revokes = sandbox.control.requestLog().filter((entry) => entry.path.endsWith('/revoke'));
    expect(revokes.map((entry) => entry.status)).toEqual([200]);
    expect(await clients.get('google_drive').refresh({ refreshToken, scopes: [], fields: {} })).toMatchObject({
      kind: 'permanent',
      error: 'invalid_grant',
    });
    expect(logFields).toContainEqual(expect.objectContaining({ event: 'token.grant_revoked', ...source }));
  });

  it('no refresh token, access token or client secret reaches a log line or a logged field', async () => {
    const { manager, source, refreshToken } = await setUp();
    const accessToken = await manager.getAccessToken(source);
    sandbox.control.revokeGrant({ refreshToken, reason: 'revoked' });
    await manager.invalidateAccessToken(source, accessToken);
    await manager.getAccessToken(source).catch(() => undefined);
    await manager.revoke(source);
    const logged = `${logLines.join('\n')}\n${JSON.stringify(logFields)}`;
    for (const secret of [refreshToken, accessToken, sandbox.clientSecret]) expect(logged).not.toContain(secret);
  });
});
