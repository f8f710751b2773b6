// Decryption of encryptedContent against vectors built as Microsoft documents (graph-encryption.ts),
// with the product's decryptResourceData; then one tamper per check, each of which must fail.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { chatMessageResourceSchema } from '../../../../../shared/providers/microsoft/webhooks/resource-data/chat-message-resource.js';
import { decryptResourceData } from '../../../../../shared/providers/microsoft/webhooks/resource-data/encrypted-content.js';
import {
  encryptLikeGraph,
  flipByte,
  generateTestCertificate,
  sampleChatMessage,
  type TestCertificate,
} from './graph-encryption.js';

let current: TestCertificate;
let other: TestCertificate;
const keysOf = (...certificates: TestCertificate[]) => {
  const byId = new Map<string, KeyObject>(
    certificates.map((certificate) => [certificate.id, createPrivateKey(certificate.privateKeyPem)]),
  );
  return { privateKey: (id: string) => Promise.resolve(byId.get(id)) };
};

beforeAll(async () => {
  current = await generateTestCertificate('cert-current');
  other = await generateTestCertificate('cert-other');
});

describe('decryptResourceData', () => {
  it('decrypts what Graph encrypts, into the chatMessage', async () => {
    const { encryptedContent } = encryptLikeGraph(sampleChatMessage, current);
    const result = await decryptResourceData(encryptedContent, keysOf(current), chatMessageResourceSchema);
    expect(result).toEqual({ ok: true, resource: sampleChatMessage });
  });

  it('keeps fields the schema does not name (loose)', async () => {
    const { encryptedContent } = encryptLikeGraph({ ...sampleChatMessage, newGraphField: { a: 1 } }, current);
    const result = await decryptResourceData(encryptedContent, keysOf(current), chatMessageResourceSchema);
    expect(result.ok && result.resource).toMatchObject({ newGraphField: { a: 1 } });
  });

  it('refuses a flipped byte of the HMAC', async () => {
    const { encryptedContent } = encryptLikeGraph(sampleChatMessage, current);
    const tampered = { ...encryptedContent, dataSignature: flipByte(encryptedContent.dataSignature, 5) };
    const result = await decryptResourceData(tampered, keysOf(current), chatMessageResourceSchema);
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a flipped byte of the data', async () => {
    const { encryptedContent } = encryptLikeGraph(sampleChatMessage, current);
    const tampered = { ...encryptedContent, data: flipByte(encryptedContent.data, 20) };
    const result = await decryptResourceData(tampered, keysOf(current), chatMessageResourceSchema);
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a truncated signature', async () => {
    const { encryptedContent } = encryptLikeGraph(sampleChatMessage, current);
    const short = Buffer.from(encryptedContent.dataSignature, 'base64').subarray(0, 16).toString('base64');
    const result = await decryptResourceData(
      { ...encryptedContent, dataSignature: short },
      keysOf(current),
      chatMessageResourceSchema,
    );
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an unknown certificate id', async () => {
    const { encryptedContent } = encryptLikeGraph(sampleChatMessage, current);
    const result = await decryptResourceData(
      { ...encryptedContent, encryptionCertificateId: 'cert-never-ours' },
      keysOf(current),
      chatMessageResourceSchema,
    );
    expect(result).toEqual({ ok: false, reason: 'unknown_certificate' });
  });

  it('refuses a dataKey encrypted for another certificate (wrong key)', async () => {
    const { encryptedContent } = encryptLikeGraph(sampleChatMessage, other);
    // The id says "current", but the key was encrypted with the other certificate's public key.
    const result = await decryptResourceData(
      { ...encryptedContent, encryptionCertificateId: current.id },
      keysOf(current),
      chatMessageResourceSchema,
    );
    expect(result).toEqual({ ok: false, reason: 'bad_key' });
  });

  it('refuses a flipped byte of the dataKey', async () => {
    const { encryptedContent } = encryptLikeGraph(sampleChatMessage, current);
    const tampered = { ...encryptedContent, dataKey: flipByte(encryptedContent.dataKey, 100) };
    const result = await decryptResourceData(tampered, keysOf(current), chatMessageResourceSchema);
    expect(result).toEqual({ ok: false, reason: 'bad_key' });
  });

  it('refuses a genuine payload that is not a chatMessage', async () => {
    const { encryptedContent } = encryptLikeGraph({ id: 42, body: 'text' }, current);
    const result = await decryptResourceData(encryptedContent, keysOf(current), chatMessageResourceSchema);
    expect(result).toEqual({ ok: false, reason: 'bad_payload' });
  });

  it('refuses a shape that is not encryptedContent', async () => {
    const { encryptedContent } = encryptLikeGraph(sampleChatMessage, current);
    for (const broken of [
      undefined,
      'text',
      { ...encryptedContent, data: undefined },
      { ...encryptedContent, dataKey: 'not base64 !' },
      { ...encryptedContent, encryptionCertificateId: 'x'.repeat(129) },
    ]) {
      expect(await decryptResourceData(broken, keysOf(current), chatMessageResourceSchema)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('puts no key, ciphertext or plaintext in any failure', async () => {
    const { encryptedContent, symmetricKeyBase64 } = encryptLikeGraph(sampleChatMessage, current);
    const failures = [
      { ...encryptedContent, dataSignature: flipByte(encryptedContent.dataSignature, 0) },
      { ...encryptedContent, data: flipByte(encryptedContent.data, 0) },
      { ...encryptedContent, dataKey: flipByte(encryptedContent.dataKey, 0) },
      { ...encryptedContent, encryptionCertificateId: 'unknown' },
    ];
    for (const tampered of failures) {
      const text = JSON.stringify(await decryptResourceData(tampered, keysOf(current), chatMessageResourceSchema));
      expect(text).not.toContain(symmetricKeyBase64);
      expect(text).not.toContain(encryptedContent.data.slice(0, 24));
      expect(text).not.toContain('tangerine');
      expect(text).not.toContain('PRIVATE KEY');
    }
  });
});
