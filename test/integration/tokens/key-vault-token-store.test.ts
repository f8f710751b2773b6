// The Key Vault token store through the real @azure/keyvault-secrets client against the HTTPS fake in
// key-vault-fake.ts (what it models is listed there). Client options as the Key Vault pitfall in
// docs/invariants.md says: the fake's CA via tlsOptions, challenge resource verification off for 127.0.0.1,
// no SDK retries, and a zero poll interval for the delete/recover pollers.
import type { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceKey } from '../../../shared/core/domain/source.js';
import { grantSecretName } from '../../../shared/adapters/key-vault/grant-secret-name.js';
import { KeyVaultTokenStore } from '../../../shared/adapters/key-vault/key-vault-token-store.js';
import { CorruptGrantError, type StoredGrant } from '../../../shared/core/tokens/stored-grant.js';
import { delegatedGrant } from './grant-fixture.js';
import { secretClientFor, startKeyVaultFake, type KeyVaultFake } from './key-vault-fake.js';

let fake: KeyVaultFake;
let client: SecretClient;
let sourceCounter = 0;

beforeAll(async () => {
  fake = await startKeyVaultFake();
  client = secretClientFor(fake);
});

afterAll(async () => {
  await fake.stop();
});

function newSource(): SourceKey {
  sourceCounter++;
  return { kbId: 'kb_sales.2026', sourceId: `source-${sourceCounter}` };
}

const grant = delegatedGrant;

function store(purgeOnDelete = false): KeyVaultTokenStore {
  return new KeyVaultTokenStore(client, { purgeOnDelete, pollIntervalMs: 0 });
}

describe('KeyVaultTokenStore (real SDK, HTTPS fake)', () => {
  it('answers the 401 challenge the SDK expects before its first real request', async () => {
    const fresh = secretClientFor(fake);
    const before = fake.requests.length;
    const source = newSource();
    await new KeyVaultTokenStore(fresh, { purgeOnDelete: false }).write(source, grant('rt-challenge'));
    const seen = fake.requests.slice(before);
    expect(seen.map((r) => `${r.method} ${r.status}`)).toEqual(['PUT 401', 'PUT 200']);
  });

  it('stores one secret per source under a valid, opaque name with non-secret tags', async () => {
    const source = newSource();
    await store().write(source, grant('rt-1'));
    const name = grantSecretName(source);
    expect(name).toMatch(/^[0-9a-zA-Z-]{1,127}$/);
    expect(name).not.toContain(source.kbId);
    expect(name).not.toContain(source.sourceId);
    const [version] = fake.versionsOf(name);
    expect(version?.contentType).toBe('application/json');
    expect(version?.tags).toEqual({ app: 'kb-sync', kbId: source.kbId, sourceId: source.sourceId, kind: 'delegated' });
    expect(JSON.parse(version!.value)).toEqual(grant('rt-1'));
    expect(await store().read(source)).toEqual(grant('rt-1'));
  });

  it('gives different sources of one KB different names', () => {
    const a = grantSecretName({ kbId: 'kb', sourceId: 'a' });
    expect(grantSecretName({ kbId: 'kb', sourceId: 'b' })).not.toBe(a);
    expect(grantSecretName({ kbId: 'kba', sourceId: '' })).not.toBe(grantSecretName({ kbId: 'kb', sourceId: 'a' }));
  });

  it('reads nothing for a source that has no secret', async () => {
    expect(await store().read(newSource())).toBeUndefined();
  });

  it('writes each rotation as a new version and reads the latest', async () => {
    const source = newSource();
    for (const token of ['rt-a', 'rt-b', 'rt-c']) await store().write(source, grant(token));
    expect(
      fake
        .versionsOf(grantSecretName(source))
        .map((v) => (JSON.parse(v.value) as StoredGrant & { refreshToken: string }).refreshToken),
    ).toEqual(['rt-a', 'rt-b', 'rt-c']);
    const listed: string[] = [];
    for await (const properties of client.listPropertiesOfSecretVersions(grantSecretName(source)))
      listed.push(properties.version ?? '');
    expect(listed).toHaveLength(3);
    expect(await store().read(source)).toEqual(grant('rt-c'));
  });

  it('soft-deletes on remove, and a later write recovers the name and adds a version', async () => {
    const source = newSource();
    const name = grantSecretName(source);
    await store().write(source, grant('rt-old'));
    await store().remove(source);
    expect(fake.isDeleted(name)).toBe(true);
    expect(await store().read(source)).toBeUndefined();

    await store().write(source, grant('rt-new'));
    expect(fake.isDeleted(name)).toBe(false);
    expect(fake.versionsOf(name)).toHaveLength(2);
    expect(await store().read(source)).toEqual(grant('rt-new'));
    const paths = fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(paths).toContain(`PUT /secrets/${name} 409`);
    expect(paths).toContain(`POST /deletedsecrets/${name}/recover 200`);
  });

  it('purges after delete when configured, leaving nothing to recover', async () => {
    const source = newSource();
    const name = grantSecretName(source);
    await store(true).write(source, grant('rt-purge'));
    await store(true).remove(source);
    expect(fake.exists(name)).toBe(false);
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toContain(
      `DELETE /deletedsecrets/${name} 204`,
    );
    await store(true).write(source, grant('rt-after'));
    expect(fake.versionsOf(name)).toHaveLength(1);
  });

  it('treats removing an absent source as done', async () => {
    await expect(store(true).remove(newSource())).resolves.toBeUndefined();
  });

  it('refuses a stored value that is not a grant document, without echoing it', async () => {
    const source = newSource();
    await client.setSecret(grantSecretName(source), JSON.stringify({ refreshToken: 'rt-leak-me' }));
    const error = await store()
      .read(source)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptGrantError);
    expect(String((error as Error).message)).not.toContain('rt-leak-me');
  });
});
