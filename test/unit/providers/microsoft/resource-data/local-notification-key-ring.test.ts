// The local certificate key ring over an in-memory table (fake-table.ts) with the real sealing of the
// local token store: made once and kept sealed, decryptable by the product's decryption, and a
// rotation keeps the previous certificate until it expires or is rotated out.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TableClient } from '@azure/data-tables';
import { LocalNotificationKeyRing } from '../../../../../shared/adapters/azure-tables/local-notification-key-ring.js';
import { LocalTokenStore } from '../../../../../shared/adapters/azure-tables/local-token-store.js';
import {
  generateLocalTokenKeyEntry,
  parseLocalTokenKeys,
} from '../../../../../shared/adapters/azure-tables/local-token-keys.js';
import { chatMessageResourceSchema } from '../../../../../shared/providers/microsoft/webhooks/resource-data/chat-message-resource.js';
import { decryptResourceData } from '../../../../../shared/providers/microsoft/webhooks/resource-data/encrypted-content.js';
import type { EncryptionCertificate } from '../../../../../shared/providers/microsoft/webhooks/resource-data/notification-key-ring.js';
import { fakeTable } from './fake-table.js';
import { encryptLikeGraph, sampleChatMessage, type TestCertificate } from './graph-encryption.js';

const keys = parseLocalTokenKeys(generateLocalTokenKeyEntry('k1'));

/** What Graph holds of a subscription's certificate: the public part only. */
function asGraphSees(certificate: EncryptionCertificate): TestCertificate {
  const x509 = new X509Certificate(Buffer.from(certificate.certificateBase64, 'base64'));
  return { id: certificate.id, certificatePem: x509.toString(), privateKeyPem: '', publicKey: x509.publicKey };
}

async function decryptsFor(ring: LocalNotificationKeyRing, certificate: EncryptionCertificate) {
  const { encryptedContent } = encryptLikeGraph(sampleChatMessage, asGraphSees(certificate));
  const result = await decryptResourceData(encryptedContent, ring, chatMessageResourceSchema);
  return result.ok ? 'ok' : result.reason;
}

describe('LocalNotificationKeyRing', () => {
  it('makes one certificate on first use, keeps it sealed, and every instance sees the same one', async () => {
    const table = fakeTable();
    const ring = new LocalNotificationKeyRing(table, () => keys);
    const first = await ring.currentCertificate();
    expect(first.id).toMatch(/^local-[A-Za-z0-9_-]{16}$/);
    expect(await ring.currentCertificate()).toEqual(first);
    expect(await new LocalNotificationKeyRing(table, () => keys).currentCertificate()).toEqual(first);

    const x509 = new X509Certificate(Buffer.from(first.certificateBase64, 'base64'));
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(new Date(x509.validTo).getTime()).toBeCloseTo(first.expiresAt.getTime(), -4);

    const stored = JSON.stringify([...table.rows.values()]);
    expect(stored).not.toContain('PRIVATE KEY');
    expect(stored).not.toContain('CERTIFICATE');
    expect(await decryptsFor(ring, first)).toBe('ok');
  });

  it('after a rotation decrypts for the new and the previous certificate, and drops the one before', async () => {
    const ring = new LocalNotificationKeyRing(fakeTable(), () => keys);
    const first = await ring.currentCertificate();
    const second = await ring.rotate();
    expect(second.id).not.toBe(first.id);
    expect(await ring.currentCertificate()).toEqual(second);
    expect(await decryptsFor(ring, first)).toBe('ok');
    expect(await decryptsFor(ring, second)).toBe('ok');

    const third = await ring.rotate();
    expect(await decryptsFor(ring, third)).toBe('ok');
    expect(await decryptsFor(ring, second)).toBe('ok');
    expect(await decryptsFor(ring, first)).toBe('unknown_certificate');
  });

  it('stops decrypting for the previous certificate once it has expired', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const ring = new LocalNotificationKeyRing(fakeTable(), () => keys, { lifetimeDays: 10, now: () => now });
    const first = await ring.currentCertificate();
    now = new Date('2026-01-05T00:00:00Z');
    await ring.rotate();
    expect(await decryptsFor(ring, first)).toBe('ok');
    now = new Date('2026-01-12T00:00:00Z');
    expect(await decryptsFor(ring, first)).toBe('unknown_certificate');
  });

  it('sees a rotation made by another process', async () => {
    const table = fakeTable();
    const here = new LocalNotificationKeyRing(table, () => keys, { rereadCooldownMs: 0 });
    await here.currentCertificate();
    const rotated = await new LocalNotificationKeyRing(table, () => keys).rotate();
    expect(await decryptsFor(here, rotated)).toBe('ok');
  });

  it('refuses a rotation that raced another one', async () => {
    const table = fakeTable();
    const here = new LocalNotificationKeyRing(table, () => keys);
    await here.currentCertificate();
    const original = table.updateEntity.bind(table);
    table.updateEntity = async (entity, mode, options) => {
      table.updateEntity = original;
      await new LocalNotificationKeyRing(table, () => keys).rotate();
      return original(entity, mode, options);
    };
    await expect(here.rotate()).rejects.toThrow('changed meanwhile');
  });

  it('fails without key material in the message when the row was sealed with a key no longer listed', async () => {
    const table = fakeTable();
    await new LocalNotificationKeyRing(table, () => keys).currentCertificate();
    const otherKeys = parseLocalTokenKeys(generateLocalTokenKeyEntry('k2'));
    const error: unknown = await new LocalNotificationKeyRing(table, () => otherKeys)
      .currentCertificate()
      .catch((e: unknown) => e);
    expect(String(error)).toContain('k1');
    expect(String(error)).not.toMatch(/PRIVATE KEY|CERTIFICATE/);
    expect(String(error)).not.toContain(keys.current.key.toString('base64'));
  });

  it('is re-sealed by a LOCAL_TOKEN_KEYS rotation, like the grants', async () => {
    const table = fakeTable();
    const first = await new LocalNotificationKeyRing(table, () => keys).currentCertificate();
    const [k1] = generateLocalTokenKeyEntry('k1').split(':');
    const rotatedKeys = parseLocalTokenKeys(
      `${generateLocalTokenKeyEntry('k2')},${k1}:${keys.current.key.toString('base64')}`,
    );
    const store = new LocalTokenStore(table as unknown as TableClient, rotatedKeys);
    expect(await store.reencryptWithCurrentKey()).toBe(1);
    expect(await store.countByKeyId()).toEqual(new Map([['k2', 1]]));
    // Readable with the new key alone, and the same certificate.
    const newKeyOnly = parseLocalTokenKeys(`k2:${rotatedKeys.current.key.toString('base64')}`);
    const ring = new LocalNotificationKeyRing(table, () => newKeyOnly);
    expect(await ring.currentCertificate()).toEqual(first);
  });
});
