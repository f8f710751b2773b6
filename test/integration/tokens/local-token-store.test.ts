// The local token store on Azurite through the real Tables SDK.
import type { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import { grantSecretName } from '../../../shared/adapters/key-vault/grant-secret-name.js';
import {
  generateLocalTokenKeyEntry,
  parseLocalTokenKeys,
} from '../../../shared/adapters/azure-tables/local-token-keys.js';
import { LocalTokenStore } from '../../../shared/adapters/azure-tables/local-token-store.js';
import { freshTable } from '../../support/storage.js';
import { delegatedGrant } from './grant-fixture.js';

const source = { kbId: 'kb1', sourceId: 'src.1' };

const grant = delegatedGrant;

async function rawEntity(table: TableClient): Promise<Record<string, unknown>> {
  return table.getEntity(grantSecretName(source), 'grant');
}

describe('LocalTokenStore (Azurite)', () => {
  it('round-trips a grant, storing only ciphertext, the key id and non-secret ids', async () => {
    const table = await freshTable('tok');
    const store = new LocalTokenStore(table, parseLocalTokenKeys(generateLocalTokenKeyEntry('k1')));
    await store.write(source, grant('rt-plain-value'));
    expect(await store.read(source)).toEqual(grant('rt-plain-value'));
    const entity = await rawEntity(table);
    expect(entity).toMatchObject({ keyId: 'k1', kbId: 'kb1', sourceId: 'src.1', kind: 'delegated' });
    expect(JSON.stringify(entity)).not.toContain('rt-plain-value');
  });

  it('reads nothing when absent, and removes idempotently', async () => {
    const store = new LocalTokenStore(await freshTable('tok'), parseLocalTokenKeys(generateLocalTokenKeyEntry('k1')));
    expect(await store.read(source)).toBeUndefined();
    await store.write(source, grant('rt'));
    await store.remove(source);
    await store.remove(source);
    expect(await store.read(source)).toBeUndefined();
  });

  it('rotates keys: reads old values, re-encrypts them under the new key, then works without the old key', async () => {
    const table = await freshTable('tok');
    const oldEntry = generateLocalTokenKeyEntry('k1');
    const newEntry = generateLocalTokenKeyEntry('k2');
    await new LocalTokenStore(table, parseLocalTokenKeys(oldEntry)).write(source, grant('rt-before-rotation'));

    const rotating = new LocalTokenStore(table, parseLocalTokenKeys(`${newEntry},${oldEntry}`));
    expect(await rotating.read(source)).toEqual(grant('rt-before-rotation'));
    expect(await rotating.countByKeyId()).toEqual(new Map([['k1', 1]]));
    expect(await rotating.reencryptWithCurrentKey()).toBe(1);
    expect(await rotating.reencryptWithCurrentKey()).toBe(0);
    expect(await rotating.countByKeyId()).toEqual(new Map([['k2', 1]]));

    const rotated = new LocalTokenStore(table, parseLocalTokenKeys(newEntry));
    expect(await rotated.read(source)).toEqual(grant('rt-before-rotation'));
  });

  it('refuses to read with a key ring that lacks the sealing key', async () => {
    const table = await freshTable('tok');
    await new LocalTokenStore(table, parseLocalTokenKeys(generateLocalTokenKeyEntry('k1'))).write(source, grant('rt'));
    const other = new LocalTokenStore(table, parseLocalTokenKeys(generateLocalTokenKeyEntry('k9')));
    await expect(other.read(source)).rejects.toThrow(/"k1" is no longer in LOCAL_TOKEN_KEYS/);
  });
});
