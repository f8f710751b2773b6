// Decrypts a notification's encryptedContent as "Decrypting resource data from change notifications"
// documents (https://learn.microsoft.com/en-us/graph/change-notifications-with-resource-data;
// fields: https://learn.microsoft.com/en-us/graph/api/resources/changenotificationencryptedcontent):
// 1. the private key of encryptionCertificateId decrypts dataKey (RSA/ECB/OAEPWithSHA1AndMGF1Padding)
//    into the 32-byte symmetric key;
// 2. dataSignature is the base64 HMAC-SHA256, keyed with that symmetric key, of the encrypted data
//    bytes (base64-decoded `data`); it is compared in constant time before anything is decrypted;
// 3. `data` is AES-256-CBC with PKCS7 padding, its IV the first 16 bytes of the symmetric key;
// 4. the plaintext is the resource as JSON, parsed with the caller's zod schema.
// Every failure is a reason, never an exception: nothing of the key, the ciphertext or the plaintext
// leaves this function except the parsed resource. A failing key ring (storage down) does throw, with
// the key ring's own error, so the webhook answers 5xx and Graph delivers again.
import { createDecipheriv, createHmac, privateDecrypt, constants, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { parseJsonOrUndefined } from '../../../../core/validation/parse-json.js';
import { MAX_CERTIFICATE_ID_LENGTH, type NotificationKeyRing } from './notification-key-ring.js';

/** Standard base64 with padding, as Graph sends it; Buffer.from would silently skip anything else. */
const base64 = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);

export const encryptedContentSchema = z.object({
  // Bounded by the webhook's body limit; this only keeps one field from being the whole of it.
  data: base64(1_500_000),
  dataKey: base64(2_048),
  dataSignature: base64(128),
  encryptionCertificateId: z.string().min(1).max(MAX_CERTIFICATE_ID_LENGTH),
  encryptionCertificateThumbprint: z.string().max(128).nullish(),
});
export type EncryptedContent = z.infer<typeof encryptedContentSchema>;

export type DecryptFailure =
  /** encryptedContent is not the documented shape (missing field, not base64, too long). */
  | 'malformed'
  /** The key ring has no private key of that certificate id (never ours, or rotated out). */
  | 'unknown_certificate'
  /** dataKey does not decrypt with that private key into a 32-byte key. */
  | 'bad_key'
  /** dataSignature is not the HMAC of the data under the symmetric key. */
  | 'bad_signature'
  /** The data does not decrypt, or is not JSON of the expected resource. */
  | 'bad_payload';

export type DecryptResult<T> = { ok: true; resource: T } | { ok: false; reason: DecryptFailure };

const SYMMETRIC_KEY_BYTES = 32;
const IV_BYTES = 16;

export async function decryptResourceData<T>(
  content: unknown,
  keys: Pick<NotificationKeyRing, 'privateKey'>,
  resourceSchema: z.ZodType<T>,
): Promise<DecryptResult<T>> {
  const parsed = encryptedContentSchema.safeParse(content);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const encrypted = parsed.data;
  const privateKey = await keys.privateKey(encrypted.encryptionCertificateId);
  if (!privateKey) return { ok: false, reason: 'unknown_certificate' };

  let symmetricKey: Buffer;
  try {
    symmetricKey = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(encrypted.dataKey, 'base64'),
    );
  } catch {
    return { ok: false, reason: 'bad_key' };
  }
  try {
    if (symmetricKey.length !== SYMMETRIC_KEY_BYTES) return { ok: false, reason: 'bad_key' };
    const data = Buffer.from(encrypted.data, 'base64');
    if (!signatureMatches(symmetricKey, data, encrypted.dataSignature)) return { ok: false, reason: 'bad_signature' };
    const plaintext = decryptData(symmetricKey, data);
    if (plaintext === undefined) return { ok: false, reason: 'bad_payload' };
    const resource = resourceSchema.safeParse(parseJsonOrUndefined(plaintext));
    return resource.success ? { ok: true, resource: resource.data } : { ok: false, reason: 'bad_payload' };
  } finally {
    symmetricKey.fill(0);
  }
}

function signatureMatches(symmetricKey: Buffer, data: Buffer, dataSignature: string): boolean {
  const actual = createHmac('sha256', symmetricKey).update(data).digest();
  const expected = Buffer.from(dataSignature, 'base64');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

function decryptData(symmetricKey: Buffer, data: Buffer): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-cbc', symmetricKey, symmetricKey.subarray(0, IV_BYTES));
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
