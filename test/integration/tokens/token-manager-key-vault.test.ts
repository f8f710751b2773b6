// The token manager built by the factory with KEY_VAULT_URL set: grants live in (the HTTPS fake of)
// Key Vault, each rotation is a new secret version, and removing a source deletes the secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import { grantSecretName } from '../../../shared/adapters/key-vault/grant-secret-name.js';
import { parseStoredGrant } from '../../../shared/core/tokens/stored-grant.js';
import { secretClientFor, startKeyVaultFake, type KeyVaultFake } from './key-vault-fake.js';
import { tokenTestBed } from './token-harness.js';

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

describe('token manager on the Key Vault store', () => {
  it('keeps each rotated grant as a new version and deletes the secret on revoke', async () => {
    const bed = await tokenTestBed(sandbox);
    const secretClient = secretClientFor(keyVault);
    const manager = bed.instance({ secretClient, keyVaultPollIntervalMs: 0 }, { keyVaultUrl: keyVault.url });
    const { id: userId } = await sandbox.control.createUser({});
    const { refreshToken } = await sandbox.control.issueRefreshToken({ userId, scopes: ['Files.Read.All'] });
    const source = bed.newSource();
    await manager.storeGrant(source, { refreshToken, scopes: ['Files.Read.All'] });

    const accessTokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) await bed.advance(2 * 3_600_000);
      accessTokens.push(await manager.getAccessToken(source));
    }
    const name = grantSecretName(source);
    const versions = keyVault.versionsOf(name).map((version) => parseStoredGrant(version.value));
    expect(versions).toHaveLength(4); // the stored grant, then one version per refresh
    expect(versions.map((grant) => grant.accessToken)).toEqual([undefined, ...accessTokens]);
    const refreshTokens = versions.map((grant) => (grant.kind === 'delegated' ? grant.refreshToken : ''));
    expect(new Set(refreshTokens).size).toBe(4);
    expect(refreshTokens[0]).toBe(refreshToken);
    expect(keyVault.versionsOf(name).at(-1)?.tags).toMatchObject({ kbId: source.kbId, sourceId: source.sourceId });

    await manager.revoke(source);
    expect(keyVault.isDeleted(name)).toBe(true);
  });
});
