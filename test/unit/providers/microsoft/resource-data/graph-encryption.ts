// Builds encryptedContent the way Graph does, independently of the product code, from
// https://learn.microsoft.com/en-us/graph/change-notifications-with-resource-data:
// a random 32-byte symmetric key; the resource JSON in AES-256-CBC with PKCS7, IV = the key's first
// 16 bytes; dataSignature = base64 HMAC-SHA256 of the encrypted bytes under that key; dataKey = the key
// encrypted with the certificate's public key, RSA-OAEP with SHA-1.
import { X509Certificate, constants, createCipheriv, createHmac, publicEncrypt, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import selfsigned from 'selfsigned';

export interface TestCertificate {
  id: string;
  certificatePem: string;
  privateKeyPem: string;
  publicKey: KeyObject;
}

export async function generateTestCertificate(id: string): Promise<TestCertificate> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: `test ${id}` }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  return {
    id,
    certificatePem: pems.cert,
    privateKeyPem: pems.private,
    publicKey: new X509Certificate(pems.cert).publicKey,
  };
}

export interface GraphEncryption {
  encryptedContent: {
    data: string;
    dataKey: string;
    dataSignature: string;
    encryptionCertificateId: string;
    encryptionCertificateThumbprint: string;
  };
  /** The symmetric key in base64, to check it leaks nowhere. */
  symmetricKeyBase64: string;
}

export function encryptLikeGraph(resource: unknown, certificate: TestCertificate): GraphEncryption {
  const symmetricKey = randomBytes(32);
  const cipher = createCipheriv('aes-256-cbc', symmetricKey, symmetricKey.subarray(0, 16));
  const data = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final()]);
  const dataSignature = createHmac('sha256', symmetricKey).update(data).digest('base64');
  const dataKey = publicEncrypt(
    { key: certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    symmetricKey,
  );
  return {
    encryptedContent: {
      data: data.toString('base64'),
      dataKey: dataKey.toString('base64'),
      dataSignature,
      encryptionCertificateId: certificate.id,
      encryptionCertificateThumbprint: new X509Certificate(certificate.certificatePem).fingerprint.replaceAll(':', ''),
    },
    symmetricKeyBase64: symmetricKey.toString('base64'),
  };
}

/** Flips one bit of the byte at `index` of a base64 value. */
export function flipByte(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

export const sampleChatMessage = {
  id: '1700000000000',
  replyToId: null,
  etag: '1700000000000',
  createdDateTime: '2026-12-03T10:00:00.000Z',
  lastModifiedDateTime: '2026-12-03T10:00:00.000Z',
  lastEditedDateTime: null,
  deletedDateTime: null,
  from: { user: { id: 'user-1', displayName: 'Ada' }, application: null, device: null },
  body: { contentType: 'html', content: '<p>the launch code is tangerine</p>' },
  mentions: [],
  attachments: [],
  webUrl: 'https://teams.microsoft.com/l/message/19%3Aabc/1700000000000',
  channelIdentity: { teamId: 'team-1', channelId: '19:abc@thread.tacv2' },
  chatId: null,
  importance: 'normal',
};
