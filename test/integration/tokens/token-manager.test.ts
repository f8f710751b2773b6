// The token manager against the sandbox's real token endpoint (HTTPS, rotating refresh tokens, a
// token log that names refresh tokens by opaque ids) with its lease and local store on Azurite.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import type { SourceKey } from '../../../shared/core/domain/source.js';
import { ReauthRequiredError, TransientError } from '../../../shared/core/domain/errors.js';
import type { RefreshingTokenManager } from '../../../shared/core/tokens/refreshing-token-manager.js';
import { tokenTestBed, type TokenTestBed } from './token-harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAINTENANCE_INTERVAL = 5 * 60_000;
const TOKEN_PATH = '/oauth2/v2\\.0/token$';

let sandbox: Sandbox;
let bed: TokenTestBed;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(async () => {
  await sandbox.control.reset();
  bed = await tokenTestBed(sandbox);
});

/** A user with a consented grant whose refresh token is stored for a new source. */
async function connect(
  manager: RefreshingTokenManager,
): Promise<{ source: SourceKey; userId: string; refreshToken: string }> {
  const { id: userId } = await sandbox.control.createUser({});
  const scopes = ['https://graph.microsoft.com/Files.Read.All', 'offline_access'];
  const { refreshToken } = await sandbox.control.issueRefreshToken({ userId, scopes });
  const source = bed.newSource();
  await manager.storeGrant(source, { refreshToken, scopes });
  return { source, userId, refreshToken };
}

async function tokenLogOf(userId: string) {
  const log = await sandbox.control.tokenLog();
  return {
    consent: log.find((entry) => entry.userId === userId && entry.grantType === 'control:consent'),
    refreshes: log.filter((entry) => entry.userId === userId && entry.grantType === 'refresh_token'),
  };
}

async function tokenEndpointStatuses(): Promise<number[]> {
  const requests = await sandbox.control.requestLog();
  return requests.filter((request) => new RegExp(TOKEN_PATH).test(request.path)).map((request) => request.status);
}

describe('RefreshingTokenManager against the sandbox', () => {
  it('rotation: after N refreshes the stored refresh token is the newest, each refresh presenting the previous one', async () => {
    const manager = bed.instance();
    const { source, userId, refreshToken } = await connect(manager);
    const N = 5;
    for (let i = 0; i < N; i++) {
      if (i > 0) await bed.advance(2 * HOUR); // past the access token's lifetime: forces a refresh
      await manager.getAccessToken(source);
    }
    const { consent, refreshes } = await tokenLogOf(userId);
    expect(refreshes).toHaveLength(N);
    expect(refreshes.every((entry) => entry.outcome === 'ok')).toBe(true);
    expect(refreshes[0]?.presentedRefreshTokenId).toBe(consent?.issuedRefreshTokenId);
    for (let i = 1; i < N; i++) {
      expect(refreshes[i]?.presentedRefreshTokenId).toBe(refreshes[i - 1]?.issuedRefreshTokenId);
    }
    expect(new Set(refreshes.map((entry) => entry.issuedRefreshTokenId)).size).toBe(N);

    // The stored token is the newest: a fresh instance's next refresh presents the last one issued.
    const stored = await bed.stored(source);
    expect(stored?.kind === 'delegated' && stored.refreshToken).not.toBe(refreshToken);
    await bed.advance(2 * HOUR);
    await bed.instance().getAccessToken(source);
    const after = await tokenLogOf(userId);
    expect(after.refreshes.at(-1)?.presentedRefreshTokenId).toBe(refreshes.at(-1)?.issuedRefreshTokenId);
  });

  it('a crash between receiving new tokens and storing them loses nothing: the old refresh token still works', async () => {
    let crashes = 1;
    const crashing = bed.instance({
      faults: {
        afterTokenResponse: () => {
          if (crashes-- > 0) throw new Error('injected crash between receiving and storing tokens');
        },
      },
    });
    const { source, userId, refreshToken } = await connect(crashing);
    await expect(crashing.getAccessToken(source)).rejects.toThrow('injected crash');
    const untouched = await bed.stored(source);
    expect(untouched?.kind === 'delegated' && untouched.refreshToken).toBe(refreshToken);
    expect(untouched?.accessToken).toBeUndefined();

    const restarted = bed.instance();
    const accessToken = await restarted.getAccessToken(source);
    expect(accessToken).toBeTruthy();
    const { consent, refreshes } = await tokenLogOf(userId);
    expect(refreshes.map((entry) => [entry.presentedRefreshTokenId, entry.outcome])).toEqual([
      [consent?.issuedRefreshTokenId, 'ok'], // the crashed refresh; its new token was never stored
      [consent?.issuedRefreshTokenId, 'ok'], // the retry presents the old token, which still works
    ]);
    const stored = await bed.stored(source);
    expect(stored?.accessToken).toBe(accessToken);
    await bed.advance(2 * HOUR);
    await restarted.getAccessToken(source);
    expect((await tokenLogOf(userId)).refreshes.at(-1)?.presentedRefreshTokenId).toBe(
      refreshes[1]?.issuedRefreshTokenId,
    );
  });

  it('20 concurrent requests for one source in one instance make exactly 1 token call', async () => {
    const manager = bed.instance();
    const { source, userId } = await connect(manager);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => manager.getAccessToken(source)));
    expect(new Set(tokens).size).toBe(1);
    expect((await tokenLogOf(userId)).refreshes).toHaveLength(1);
  });

  it('20 concurrent requests spread over 4 instances make exactly 1 token call (lease + shared store)', async () => {
    const instances = Array.from({ length: 4 }, () => bed.instance());
    const { source, userId } = await connect(instances[0]!);
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => instances[i % 4]!.getAccessToken(source)));
    expect(new Set(tokens).size).toBe(1);
    expect((await tokenLogOf(userId)).refreshes).toHaveLength(1);
  });

  it('an access token Graph refused is dropped in memory and in the store; concurrent callers then share 1 refresh', async () => {
    const instances = [bed.instance(), bed.instance()];
    const { source, userId } = await connect(instances[0]!);
    const refused = await instances[0]!.getAccessToken(source);
    expect(await instances[1]!.getAccessToken(source)).toBe(refused); // cached in both instances now
    // Both instances saw the 401 for the same token, at the same time.
    await Promise.all(instances.map((manager) => manager.invalidateAccessToken(source, refused)));
    expect((await bed.stored(source))?.accessToken).toBeUndefined();
    const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => instances[i % 2]!.getAccessToken(source)));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(refused);
    expect((await bed.stored(source))?.accessToken).toBe(tokens[0]);
    expect((await tokenLogOf(userId)).refreshes.map((entry) => entry.outcome)).toEqual(['ok', 'ok']);
  });

  it('invalidating a token that was already replaced keeps the fresh one (a late caller cannot discard it)', async () => {
    const late = bed.instance();
    const { source, userId } = await connect(late);
    const old = await late.getAccessToken(source);
    await late.invalidateAccessToken(source, old);
    const fresh = await late.getAccessToken(source);
    expect(fresh).not.toBe(old);
    // A second request that had been sent with the old token gets its 401 only now.
    await late.invalidateAccessToken(source, old);
    await bed.instance().invalidateAccessToken(source, old);
    expect((await bed.stored(source))?.accessToken).toBe(fresh);
    expect(await late.getAccessToken(source)).toBe(fresh);
    expect(await bed.instance().getAccessToken(source)).toBe(fresh);
    expect((await tokenLogOf(userId)).refreshes).toHaveLength(2);
  });

  it('reuses an access token until five minutes before it expires', async () => {
    const manager = bed.instance();
    const { source, userId } = await connect(manager);
    const first = await manager.getAccessToken(source);
    const expiresAt = (await bed.stored(source))?.accessTokenExpiresAtMs ?? 0;
    await bed.advance(expiresAt - bed.now() - 5 * 60_000 - 10_000); // 10 s before the margin
    expect(await bed.instance().getAccessToken(source)).toBe(first);
    await bed.advance(20_000); // 10 s inside the margin
    expect(await bed.instance().getAccessToken(source)).not.toBe(first);
    expect((await tokenLogOf(userId)).refreshes).toHaveLength(2);
  });

  it('a revoked grant (AADSTS50173) needs reauth with the reason, and no token call follows', async () => {
    const manager = bed.instance();
    const { source, userId } = await connect(manager);
    await manager.getAccessToken(source);
    await sandbox.control.revokeGrant(userId);
    await bed.advance(2 * HOUR);
    const error = await manager.getAccessToken(source).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReauthRequiredError);
    expect((error as ReauthRequiredError).reason).toBe(
      "the user's grant was revoked (AADSTS50173), for example by a password change; reconnect the source",
    );
    expect((await bed.stored(source))?.invalid).toMatchObject({ error: 'invalid_grant', code: 50173 });

    for (let interval = 0; interval < 3; interval++) {
      await bed.advance(MAINTENANCE_INTERVAL);
      await expect(bed.instance().getAccessToken(source)).rejects.toThrow(/AADSTS50173/);
    }
    expect((await tokenLogOf(userId)).refreshes.map((entry) => entry.outcome)).toEqual([
      'ok',
      'invalid_grant AADSTS50173',
    ]);

    // A new grant (the user reconnects) clears the state.
    const scopes = ['Files.Read.All'];
    const { refreshToken } = await sandbox.control.issueRefreshToken({ userId, scopes });
    await manager.storeGrant(source, { refreshToken, scopes });
    await expect(manager.getAccessToken(source)).resolves.toBeTruthy();
  });

  it('a grant idle for 90 days (AADSTS700082) needs reauth with the reason, and no token call follows', async () => {
    const manager = bed.instance();
    const { source, userId } = await connect(manager);
    await manager.getAccessToken(source);
    await bed.advance(91 * DAY, true);
    await expect(manager.getAccessToken(source)).rejects.toThrow(
      're-authorization required: the grant expired after 90 days without use (AADSTS700082); reconnect the source',
    );
    for (let interval = 0; interval < 3; interval++) {
      await bed.advance(MAINTENANCE_INTERVAL, true);
      await expect(bed.instance().getAccessToken(source)).rejects.toBeInstanceOf(ReauthRequiredError);
    }
    expect((await tokenLogOf(userId)).refreshes.map((entry) => entry.outcome)).toEqual([
      'ok',
      'invalid_grant AADSTS700082',
    ]);
  });

  it('keep-alive refreshes a grant idle past its threshold, so it never reaches the 90-day limit', async () => {
    const manager = bed.instance();
    const { source, userId } = await connect(manager);
    expect(await manager.keepAlive(source, 30 * DAY)).toBe(false); // just stored: not idle
    for (let month = 0; month < 4; month++) {
      await bed.advance(31 * DAY, true);
      expect(await manager.keepAlive(source, 30 * DAY)).toBe(true);
      expect(await bed.instance().keepAlive(source, 30 * DAY)).toBe(false); // done once, not per instance
    }
    await expect(manager.getAccessToken(source)).resolves.toBeTruthy(); // 124 days after consent
    const { refreshes } = await tokenLogOf(userId);
    expect(refreshes.map((entry) => entry.outcome)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('retries transient failures (503) with backoff and then succeeds', async () => {
    const manager = bed.instance();
    const { source } = await connect(manager);
    await sandbox.control.clearRequestLog();
    await sandbox.control.injectFault({ method: 'POST', pathPattern: TOKEN_PATH, kind: '503', count: 2 });
    await expect(manager.getAccessToken(source)).resolves.toBeTruthy();
    expect(await tokenEndpointStatuses()).toEqual([503, 503, 200]);
  });

  it('gives up after a bounded number of attempts on resets, throws TransientError, and keeps the grant', async () => {
    const manager = bed.instance();
    const { source } = await connect(manager);
    await sandbox.control.injectFault({ method: 'POST', pathPattern: TOKEN_PATH, kind: 'reset', count: 10 });
    const error = await manager.getAccessToken(source).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((await bed.stored(source))?.invalid).toBeUndefined();
    await sandbox.control.clearFaults();
    await expect(manager.getAccessToken(source)).resolves.toBeTruthy();
  });

  it('does not sleep through a Retry-After longer than its policy: it hands the wait to the queue', async () => {
    const manager = bed.instance();
    const { source } = await connect(manager);
    await sandbox.control.clearRequestLog();
    await sandbox.control.injectFault({
      method: 'POST',
      pathPattern: TOKEN_PATH,
      kind: '429',
      count: 1,
      retryAfterSeconds: 120,
    });
    const error = await manager.getAccessToken(source).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(120_000);
    expect(await tokenEndpointStatuses()).toEqual([429]);
  });

  it('app-only mode: client credentials, no refresh token stored, the token reused across instances', async () => {
    const manager = bed.instance();
    const source = bed.newSource();
    await manager.storeAppOnlyGrant(source);
    const token = await manager.getAccessToken(source);
    expect(await bed.instance().getAccessToken(source)).toBe(token);
    const stored = await bed.stored(source);
    expect(stored).toMatchObject({ kind: 'app', tenantId: sandbox.tenantId, accessToken: token });
    expect(stored).not.toHaveProperty('refreshToken');
    const calls = (await sandbox.control.tokenLog()).filter((entry) => entry.grantType === 'client_credentials');
    expect(calls.map((entry) => [entry.userId, entry.issuedRefreshTokenId, entry.outcome])).toEqual([
      [null, null, 'ok'],
    ]);
  });

  it('a rejected app credential (AADSTS7000215) needs reauth, with one probe per maintenance interval until it is fixed', async () => {
    const broken = bed.instance({}, { clientSecret: 'not-the-sandbox-secret' });
    const { source } = await connect(broken);
    await expect(broken.getAccessToken(source)).rejects.toThrow(/client secret is invalid \(AADSTS7000215\)/);
    await expect(broken.getAccessToken(source)).rejects.toBeInstanceOf(ReauthRequiredError);
    await bed.advance(MAINTENANCE_INTERVAL / 2);
    await expect(broken.getAccessToken(source)).rejects.toBeInstanceOf(ReauthRequiredError);
    const refreshCalls = async () =>
      (await sandbox.control.tokenLog()).filter((entry) => entry.grantType === 'refresh_token');
    expect(await refreshCalls()).toHaveLength(1);

    await bed.advance(MAINTENANCE_INTERVAL / 2 + 1_000);
    await expect(broken.getAccessToken(source)).rejects.toBeInstanceOf(ReauthRequiredError); // the probe
    await expect(broken.getAccessToken(source)).rejects.toBeInstanceOf(ReauthRequiredError); // no call
    expect(await refreshCalls()).toHaveLength(2);

    await bed.advance(MAINTENANCE_INTERVAL + 1_000);
    await expect(bed.instance().getAccessToken(source)).resolves.toBeTruthy(); // fixed secret: the probe heals
    expect((await bed.stored(source))?.invalid).toBeUndefined();
  });

  it('refreshes as a public client, sending no client credential', async () => {
    const publicClient = bed.instance({}, { clientId: sandbox.publicClientId, clientSecret: undefined });
    const { id: userId } = await sandbox.control.createUser({});
    const scopes = ['Files.Read.All'];
    const { refreshToken } = await sandbox.control.issueRefreshToken({
      userId,
      scopes,
      clientId: sandbox.publicClientId,
    });
    const source = bed.newSource();
    await publicClient.storeGrant(source, { refreshToken, scopes });
    await expect(publicClient.getAccessToken(source)).resolves.toBeTruthy();
    const { refreshes } = await tokenLogOf(userId);
    expect(refreshes.map((entry) => [entry.clientId, entry.outcome])).toEqual([[sandbox.publicClientId, 'ok']]);
  });

  it('fails fast with a readable reason when no grant is stored, and revoke forgets the grant', async () => {
    const manager = bed.instance();
    await expect(manager.getAccessToken(bed.newSource())).rejects.toThrow(/no credentials are stored/);
    const { source } = await connect(manager);
    await manager.getAccessToken(source);
    await manager.revoke(source);
    expect(await bed.stored(source)).toBeUndefined();
    await expect(manager.getAccessToken(source)).rejects.toBeInstanceOf(ReauthRequiredError);
  });
});
