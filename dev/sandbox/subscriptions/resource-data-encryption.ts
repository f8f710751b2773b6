// Resource data in change notifications, encrypted as
// https://learn.microsoft.com/graph/change-notifications-with-resource-data ("Decrypting resource
// data", read backwards) and resources/changenotificationencryptedcontent describe it:
// - a single-use random 32-byte symmetric key per notification item;
// - data: the resource JSON encrypted with AES-256 in CBC mode with PKCS7 padding, the IV being the
//   first 16 bytes of the symmetric key, base64;
// - dataKey: the symmetric key encrypted with the subscription certificate's RSA public key,
//   RSA/ECB/OAEPWithSHA1AndMGF1Padding, base64;
// - dataSignature: base64 HMAC-SHA256, keyed with the symmetric key, of the encrypted bytes in data
//   (the page's C# and Java samples hash the base64-decoded data);
// - encryptionCertificateId as the subscriber gave it, encryptionCertificateThumbprint the
//   certificate's SHA-1 thumbprint in hexadecimal.
import { constants, createCipheriv, createHmac, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';

export interface EncryptedContent {
  data: string;
  dataSignature: string;
  dataKey: string;
  encryptionCertificateId: string;
  encryptionCertificateThumbprint: string;
}

export class EncryptionCertificateError extends Error {}

/** Max length of encryptionCertificateId ("The identifier can be up to 128 characters"). */
const MAX_CERTIFICATE_ID_LENGTH = 128;

/**
 * Checks a subscription's encryptionCertificate: base64 of an X.509 certificate whose key is RSA of
 * 2,048 to 4,096 bits ("Managing encryption keys").
 */
export function parseEncryptionCertificate(base64: string, certificateId: string): X509Certificate {
  if (certificateId.length === 0 || certificateId.length > MAX_CERTIFICATE_ID_LENGTH)
    throw new EncryptionCertificateError(
      `encryptionCertificateId must be 1 to ${MAX_CERTIFICATE_ID_LENGTH} characters.`,
    );
  let certificate: X509Certificate;
  try {
    const text = base64.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new Error('not base64');
    certificate = new X509Certificate(Buffer.from(text, 'base64'));
  } catch {
    throw new EncryptionCertificateError('encryptionCertificate is not a base64-encoded X.509 certificate.');
  }
  const key = certificate.publicKey;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < 2048 || bits > 4096)
    throw new EncryptionCertificateError('The encryption certificate key must be RSA of 2,048 to 4,096 bits.');
  return certificate;
}

export function thumbprintOf(certificate: X509Certificate): string {
  return certificate.fingerprint.replace(/:/g, '').toUpperCase();
}

export function encryptResourceData(
  resource: unknown,
  certificate: X509Certificate,
  encryptionCertificateId: string,
): EncryptedContent {
  const symmetricKey = randomBytes(32);
  const iv = symmetricKey.subarray(0, 16);
  const cipher = createCipheriv('aes-256-cbc', symmetricKey, iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final()]);
  const dataKey = publicEncrypt(
    { key: certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    symmetricKey,
  );
  return {
    data: encrypted.toString('base64'),
    dataSignature: createHmac('sha256', symmetricKey).update(encrypted).digest('base64'),
    dataKey: dataKey.toString('base64'),
    encryptionCertificateId,
    encryptionCertificateThumbprint: thumbprintOf(certificate),
  };
}
