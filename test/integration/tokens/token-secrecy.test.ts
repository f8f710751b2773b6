// Invariant 8 for the token paths: runs every path of the token manager (store, refresh, rotation,
// a refused access token, concurrent refresh, crash, transient retries and give-up, throttling, revoked and idle grants,
// rejected app credential, app-only, revoke, missing grant, the Key Vault store) with every log line
// and every raw log field captured, collects every error a caller would see, and checks that no
// token, secret or key appears in any of them. The raw fields are checked too, so the test does not
// lean on the logger's redaction: the token code must not hand secrets to the logger at all.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import type { SourceKey } from '../../../shared/core/domain/source.js';
import type { RefreshingTokenManager } from '../../../shared/core/tokens/refreshing-token-manager.js';
import { secretClientFor, startKeyVaultFake, type KeyVaultFake } from './key-vault-fake.js';
import { tokenTestBed, type TokenTestBed } from './token-harness.js';

const HOUR = 3_600_000;
const TOKEN_PATH = '/oauth2/v2\\.0/token$';
/** Prefixes of the sandbox's refresh tokens, access tokens, client secrets and auth codes. */
const SANDBOX_SECRET_PREFIXES = ['sbx-rt.', 'sbx-at.', 'sbx~', 'sbx-code.'];

let sandbox: Sandbox;
let keyVault: KeyVaultFake;

beforeAll(async () => {
  sandbox = await startSandbox();
  keyVault = await startKeyVaultFake();
});

afterAll(async () => {
  await sandbox.stop();
  await keyVault.stop();
});

describe('token paths leak nothing', () => {
  it('no token, secret or key in any log line, raw log field or error', async () => {
    const bed: TokenTestBed = await tokenTestBed(sandbox);
    const secrets = new Set<string>([sandbox.clientSecret, 'wrong-client-secret-value']);
    for (const entry of (bed.config.tokens.localTokenKeys ?? '').split(',')) secrets.add(entry.split(':')[1] ?? '');
    const errors: string[] = [];
    const seen = async (manager: RefreshingTokenManager, source: SourceKey) => {
      try {
        secrets.add(await manager.getAccessToken(source));
      } catch (error) {
        const e = error as Error;
        errors.push(String(e), e.stack ?? '', JSON.stringify(e), inspect(e, { depth: 6 }));
      }
      const stored = await bed.stored(source).catch(() => undefined);
      if (stored?.accessToken) secrets.add(stored.accessToken);
      if (stored?.kind === 'delegated') secrets.add(stored.refreshToken);
    };
    const connect = async (manager: RefreshingTokenManager) => {
      const { id: userId } = await sandbox.control.createUser({});
      const { refreshToken } = await sandbox.control.issueRefreshToken({ userId, scopes: ['Files.Read.All'] });
      secrets.add(refreshToken);
      const source = bed.newSource();
      await manager.storeGrant(source, { refreshToken, scopes: ['Files.Read.All', 'offline_access'] });
      return { source, userId };
    };

    // Refresh, reuse and rotation.
    const manager = bed.instance();
    const main = await connect(manager);
    await seen(manager, main.source);
    await seen(manager, main.source);
    await bed.advance(2 * HOUR);
    await seen(manager, main.source);

    // An access token Graph refused: dropped, then refreshed.
    const refusedToken = await manager.getAccessToken(main.source);
    await manager.invalidateAccessToken(main.source, refusedToken);
    await seen(manager, main.source);
    expect(bed.logs.lines.some((line) => line.includes('"token.access_token_rejected"'))).toBe(true);

    // Concurrent refresh across instances.
    const concurrent = await connect(manager);
    const instances = [bed.instance(), bed.instance(), bed.instance()];
    await Promise.all(Array.from({ length: 9 }, (_, i) => seen(instances[i % 3]!, concurrent.source)));

    // A crash between receiving and storing.
    const crashing = bed.instance({
      faults: {
        afterTokenResponse: () => {
          throw new Error('injected crash');
        },
      },
    });
    const crashed = await connect(crashing);
    await seen(crashing, crashed.source);

    // Transient: retried 503s, exhausted resets, a long Retry-After.
    const flaky = await connect(manager);
    await sandbox.control.injectFault({ method: 'POST', pathPattern: TOKEN_PATH, kind: '503', count: 2 });
    await seen(manager, flaky.source);
    await bed.advance(2 * HOUR);
    await sandbox.control.injectFault({ method: 'POST', pathPattern: TOKEN_PATH, kind: 'reset', count: 10 });
    await seen(manager, flaky.source);
    await sandbox.control.clearFaults();
    await sandbox.control.injectFault({
      method: 'POST',
      pathPattern: TOKEN_PATH,
      kind: '429',
      count: 1,
      retryAfterSeconds: 300,
    });
    await seen(bed.instance(), flaky.source);
    await sandbox.control.clearFaults();

    // Permanent: revoked grant, then an idle one, then a rejected app credential.
    const revoked = await connect(manager);
    await sandbox.control.revokeGrant(revoked.userId);
    await seen(manager, revoked.source);
    await seen(manager, revoked.source);
    const idle = await connect(manager);
    await seen(manager, idle.source);
    await bed.advance(91 * 24 * HOUR, true);
    await seen(manager, idle.source);
    const broken = bed.instance({}, { clientSecret: 'wrong-client-secret-value' });
    const rejected = await connect(broken);
    await seen(broken, rejected.source);

    // App-only, revoke, and a source with no grant.
    const appSource = bed.newSource();
    await manager.storeAppOnlyGrant(appSource);
    await seen(manager, appSource);
    await manager.revoke(main.source);
    await seen(manager, main.source);
    await seen(manager, bed.newSource());

    // The Key Vault store through the factory.
    const vaultManager = bed.instance(
      {
        secretClient: secretClientFor(keyVault),
        keyVaultPollIntervalMs: 0,
      },
      { keyVaultUrl: keyVault.url },
    );
    const inVault = await connect(vaultManager);
    await seen(vaultManager, inVault.source);
    await vaultManager.revoke(inVault.source);
    await seen(vaultManager, inVault.source);

    // The paths really ran: refreshes, failures of each kind, and errors to inspect.
    const outcomes = new Set((await sandbox.control.tokenLog()).map((entry) => entry.outcome));
    expect([...outcomes].sort()).toEqual([
      'invalid_client AADSTS7000215',
      'invalid_grant AADSTS50173',
      'invalid_grant AADSTS700082',
      'ok',
    ]);
    expect(errors.length).toBeGreaterThanOrEqual(4 * 9);
    expect(bed.logs.lines.length).toBeGreaterThan(20);

    const texts = [...bed.logs.lines, JSON.stringify(bed.logs.fields), ...errors];
    secrets.delete('');
    expect(secrets.size).toBeGreaterThan(15);
    for (const text of texts) {
      for (const secret of secrets)
        expect(text.includes(secret), `a secret appeared in: ${text.slice(0, 200)}`).toBe(false);
      for (const prefix of SANDBOX_SECRET_PREFIXES) expect(text, 'a sandbox token appeared').not.toContain(prefix);
    }
  });
});
