// The Key Vault key ring against fakes of the only SDK methods it calls (listPropertiesOfCertificateVersions,
// getCertificateVersion, getSecret): there is no Key Vault emulator (Azurite has none), so these are
// unit tests; the fakes answer the SDK's shapes, with certificates made by selfsigned and a PEM
// secret as Key Vault stores it (key then certificate) for the content type application/x-pem-file.
import { X509Certificate } from 'node:crypto';
import type { CertificateClient, CertificateProperties, KeyVaultCertificate } from '@azure/keyvault-certificates';
import type { KeyVaultSecret } from '@azure/keyvault-secrets';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeyVaultNotificationKeyRing } from '../../../../../shared/adapters/key-vault/key-vault-notification-key-ring.js';
import { chatMessageResourceSchema } from '../../../../../shared/providers/microsoft/webhooks/resource-data/chat-message-resource.js';
import { decryptResourceData } from '../../../../../shared/providers/microsoft/webhooks/resource-data/encrypted-content.js';
import {
  encryptLikeGraph,
  generateTestCertificate,
  sampleChatMessage,
  type TestCertificate,
} from './graph-encryption.js';

const NAME = 'graph-notifications';
const VAULT = 'https://example-vault.vault.azure.net';
const DAY = 86_400_000;
const NOW = new Date('2026-12-03T12:00:00Z');

interface FakeVersion {
  certificate: TestCertificate;
  createdOn: Date;
  expiresOn: Date;
  enabled?: boolean;
  contentType?: string;
}

function fakeVault(versions: FakeVersion[]) {
  const calls = { list: 0, getCertificateVersion: 0, getSecret: 0 };
  const byVersion = (version: string) => {
    const found = versions.find((entry) => entry.certificate.id === version);
    if (!found) throw Object.assign(new Error('CertificateNotFound'), { statusCode: 404 });
    return found;
  };
  const properties = (entry: FakeVersion): CertificateProperties => ({
    name: NAME,
    version: entry.certificate.id,
    enabled: entry.enabled ?? true,
    createdOn: entry.createdOn,
    expiresOn: entry.expiresOn,
  });
  const certificates = {
    listPropertiesOfCertificateVersions(name: string) {
      calls.list++;
      expect(name).toBe(NAME);
      const list = versions.map(properties);
      return (async function* () {
        yield* list;
      })() as unknown as ReturnType<CertificateClient['listPropertiesOfCertificateVersions']>;
    },
    getCertificateVersion(name: string, version: string): Promise<KeyVaultCertificate> {
      calls.getCertificateVersion++;
      const entry = byVersion(version);
      return Promise.resolve({
        name,
        properties: properties(entry),
        cer: new X509Certificate(entry.certificate.certificatePem).raw,
        secretId: `${VAULT}/secrets/${name}/${version}`,
      });
    },
  };
  const secrets = {
    getSecret(name: string, options?: { version?: string }): Promise<KeyVaultSecret> {
      calls.getSecret++;
      const entry = byVersion(options?.version ?? '');
      return Promise.resolve({
        name,
        value: `${entry.certificate.privateKeyPem}\n${entry.certificate.certificatePem}`,
        properties: { name, vaultUrl: VAULT, contentType: entry.contentType ?? 'application/x-pem-file' },
      });
    },
  };
  return { certificates, secrets, calls, versions };
}

let older: TestCertificate;
let previous: TestCertificate;
let current: TestCertificate;
let newest: TestCertificate;

beforeAll(async () => {
  [older, previous, current, newest] = await Promise.all([
    generateTestCertificate('0aaa'),
    generateTestCertificate('1bbb'),
    generateTestCertificate('2ccc'),
    generateTestCertificate('3ddd'),
  ]);
});

const version = (certificate: TestCertificate, ageDays: number, extra: Partial<FakeVersion> = {}): FakeVersion => ({
  certificate,
  createdOn: new Date(NOW.getTime() - ageDays * DAY),
  expiresOn: new Date(NOW.getTime() + 100 * DAY),
  ...extra,
});

async function decryptsFor(ring: KeyVaultNotificationKeyRing, certificate: TestCertificate) {
  const { encryptedContent } = encryptLikeGraph(sampleChatMessage, certificate);
  const result = await decryptResourceData(encryptedContent, ring, chatMessageResourceSchema);
  return result.ok ? 'ok' : result.reason;
}

const ringOver = (vault: ReturnType<typeof fakeVault>, now = () => NOW) =>
  new KeyVaultNotificationKeyRing(vault.certificates, vault.secrets, { certificateName: NAME, now });

describe('KeyVaultNotificationKeyRing', () => {
  it('offers the newest enabled version, and decrypts for it and the one before only', async () => {
    const vault = fakeVault([version(older, 60), version(previous, 30), version(current, 1)]);
    const ring = ringOver(vault);
    const offered = await ring.currentCertificate();
    expect(offered.id).toBe(current.id);
    expect(offered.certificateBase64).toBe(new X509Certificate(current.certificatePem).raw.toString('base64'));
    expect(await decryptsFor(ring, current)).toBe('ok');
    expect(await decryptsFor(ring, previous)).toBe('ok');
    const secretReads = vault.calls.getSecret;
    expect(await decryptsFor(ring, older)).toBe('unknown_certificate');
    expect(vault.calls.getSecret).toBe(secretReads);
    // Keys are cached: a second notification reads nothing.
    await decryptsFor(ring, current);
    expect(vault.calls.getSecret).toBe(secretReads);
  });

  it('skips a disabled newest version, and an expired or not yet valid one', async () => {
    const vault = fakeVault([
      version(older, 60, { expiresOn: new Date(NOW.getTime() - DAY) }),
      version(previous, 30),
      version(current, 1, { enabled: false }),
    ]);
    const ring = ringOver(vault);
    expect((await ring.currentCertificate()).id).toBe(previous.id);
    expect(await decryptsFor(ring, current)).toBe('unknown_certificate');
    expect(await decryptsFor(ring, older)).toBe('unknown_certificate');
    expect(await decryptsFor(ring, previous)).toBe('ok');
  });

  it('picks up a rotation when a notification names the new version, at most once per cooldown', async () => {
    let now = NOW;
    const vault = fakeVault([version(previous, 30), version(current, 1)]);
    const ring = ringOver(vault, () => now);
    await ring.currentCertificate();
    const lists = vault.calls.list;
    vault.versions.push(version(newest, 0));
    // Within the cooldown the list is not read again, however many forged or new ids arrive.
    expect(await decryptsFor(ring, newest)).toBe('unknown_certificate');
    expect(await decryptsFor(ring, older)).toBe('unknown_certificate');
    expect(vault.calls.list).toBe(lists);
    now = new Date(NOW.getTime() + 31_000);
    expect(await decryptsFor(ring, newest)).toBe('ok');
    expect(vault.calls.list).toBe(lists + 1);
    expect(await decryptsFor(ring, current)).toBe('ok');
    expect(await decryptsFor(ring, previous)).toBe('unknown_certificate');
  });

  it('refuses a PKCS#12 secret with a message naming the content type, not the value', async () => {
    const ring = ringOver(fakeVault([version(current, 1, { contentType: 'application/x-pkcs12' })]));
    const error: unknown = await ring.privateKey(current.id).catch((e: unknown) => e);
    expect(String(error)).toContain('application/x-pem-file');
    expect(String(error)).not.toContain('PRIVATE KEY');
  });

  it('says so when there is no usable version', async () => {
    const ring = ringOver(fakeVault([version(current, 1, { enabled: false })]));
    await expect(ring.currentCertificate()).rejects.toThrow('no enabled, unexpired version');
  });

  it('passes on a failing read with its operation and status only, never the response', async () => {
    const vault = fakeVault([version(current, 1)]);
    const ring = ringOver(vault);
    await ring.currentCertificate();
    vault.secrets.getSecret = () =>
      Promise.reject(
        Object.assign(new Error(`forbidden: ${current.privateKeyPem}`), {
          statusCode: 403,
          code: 'Forbidden',
          response: { bodyAsText: current.privateKeyPem },
        }),
      );
    const error: unknown = await ring.privateKey(current.id).catch((e: unknown) => e);
    expect(String(error)).toBe('Error: key vault certificate secret read failed (403 Forbidden)');
    expect(JSON.stringify(error)).not.toContain('PRIVATE KEY');
    expect((error as Error).cause).toBeUndefined();
  });
});
