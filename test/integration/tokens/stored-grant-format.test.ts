// Grant documents stored before the token manager became provider-neutral: the same JSON, written by
// the previous version into the local table and into Key Vault, must still load, refresh and be
// written back in the same layout (the Microsoft tenant stays a top-level field), so grants already
// stored keep working and a rollback can still read what the new version wrote.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import { grantSecretName } from '../../../shared/adapters/key-vault/grant-secret-name.js';
import { ReauthRequiredError } from '../../../shared/core/domain/errors.js';
import { secretClientFor, startKeyVaultFake, type KeyVaultFake } from './key-vault-fake.js';
import { tokenTestBed, type TokenTestBed } from './token-harness.js';

const HOUR = 3_600_000;
/** The keys of a delegated document with a cached access token, as the previous version wrote them. */
const DELEGATED_KEYS = [
  'accessToken',
  'accessTokenExpiresAtMs',
  'kind',
  'obtainedAt',
  'refreshToken',
  'schemaVersion',
  'scopes',
  'tenantId',
];

let sandbox: Sandbox;
let keyVault: KeyVaultFake;
let bed: TokenTestBed;

beforeAll(async () => {
  sandbox = await startSandbox();
  keyVault = await startKeyVaultFake();
});

afterAll(async () => {
  await sandbox.stop();
  await keyVault.stop();
});

beforeEach(async () => {
  await sandbox.control.reset();
  bed = await tokenTestBed(sandbox);
});

async function tokenCalls(grantType: string) {
  return (await sandbox.control.tokenLog()).filter((entry) => entry.grantType === grantType);
}

describe('grant documents in the format stored before the provider-neutral manager', () => {
  it('a delegated document in the local table: its cached token is used, then it refreshes against its tenant and keeps its layout', async () => {
    const { id: userId } = await sandbox.control.createUser({});
    const { refreshToken } = await sandbox.control.issueRefreshToken({ userId, scopes: ['Files.Read.All'] });
    const source = bed.newSource();
    const expiresAt = bed.now() + HOUR;
    await bed.storeDocument(
      source,
      `{"schemaVersion":1,"kind":"delegated","refreshToken":"${refreshToken}","tenantId":"${sandbox.tenantId}",` +
        `"scopes":["Files.Read.All"],"obtainedAt":"2026-01-01T00:00:00.000Z",` +
        `"accessToken":"cached-access-token","accessTokenExpiresAtMs":${expiresAt}}`,
    );

    const manager = bed.instance();
    expect(await manager.getAccessToken(source)).toBe('cached-access-token');
    expect(await tokenCalls('refresh_token')).toHaveLength(0);

    await bed.advance(2 * HOUR);
    const refreshed = await manager.getAccessToken(source);
    expect(refreshed).not.toBe('cached-access-token');
    expect((await tokenCalls('refresh_token')).map((entry) => [entry.userId, entry.outcome])).toEqual([[userId, 'ok']]);
    const document = JSON.parse(await bed.storedDocument(source)) as Record<string, unknown>;
    expect(Object.keys(document).sort()).toEqual(DELEGATED_KEYS);
    expect(document).toMatchObject({ kind: 'delegated', tenantId: sandbox.tenantId, accessToken: refreshed });
  });

  it('an app-only document in Key Vault gets client-credentials tokens for its tenant', async () => {
    const secretClient = secretClientFor(keyVault);
    const manager = bed.instance({ secretClient, keyVaultPollIntervalMs: 0 }, { keyVaultUrl: keyVault.url });
    const source = bed.newSource();
    const name = grantSecretName(source);
    await secretClient.setSecret(
      name,
      `{"schemaVersion":1,"kind":"app","tenantId":"${sandbox.tenantId}",` +
        `"scopes":["${new URL(sandbox.graphBaseUrl).origin}/.default"],"obtainedAt":"2026-01-01T00:00:00.000Z"}`,
    );

    const token = await manager.getAccessToken(source);
    expect((await tokenCalls('client_credentials')).map((entry) => entry.outcome)).toEqual(['ok']);
    const latest = JSON.parse(keyVault.versionsOf(name).at(-1)?.value ?? '{}') as Record<string, unknown>;
    expect(latest).toMatchObject({ kind: 'app', tenantId: sandbox.tenantId, accessToken: token });
    expect(latest).not.toHaveProperty('refreshToken');
  });

  it('a document marked invalid keeps failing fast with its reason, without a token call', async () => {
    const source = bed.newSource();
    const reason = "the user's grant was revoked (AADSTS50173), for example by a password change; reconnect the source";
    await bed.storeDocument(
      source,
      JSON.stringify({
        schemaVersion: 1,
        kind: 'delegated',
        refreshToken: 'rt-from-an-earlier-version',
        tenantId: sandbox.tenantId,
        scopes: [],
        obtainedAt: '2026-01-01T00:00:00.000Z',
        invalid: { reason, error: 'invalid_grant', code: 50173, at: '2026-01-02T00:00:00.000Z' },
      }),
    );
    const error = await bed
      .instance()
      .getAccessToken(source)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReauthRequiredError);
    expect((error as ReauthRequiredError).reason).toBe(reason);
    expect(await sandbox.control.tokenLog()).toHaveLength(0);
  });

  it('a document without the tenant its provider needs is refused as unreadable, never refreshed', async () => {
    const source = bed.newSource();
    await bed.storeDocument(
      source,
      '{"schemaVersion":1,"kind":"delegated","refreshToken":"rt-x","scopes":[],"obtainedAt":"2026-01-01T00:00:00.000Z"}',
    );
    await expect(bed.instance().getAccessToken(source)).rejects.toThrow('the stored grant could not be read');
    expect(await sandbox.control.tokenLog()).toHaveLength(0);
  });
});
