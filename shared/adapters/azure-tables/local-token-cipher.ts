// AES-256-GCM for the local token store (Node's crypto, NIST SP 800-38D): a fresh 96-bit IV per
// encryption, a 128-bit tag, and the entity's name as additional authenticated data, so a ciphertext
// copied to another source's row fails to decrypt instead of handing that source someone else's grant.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { LocalTokenKeyRing } from './local-token-keys.js';

export interface SealedValue {
  keyId: string;
  iv: string;
  ciphertext: string;
  authTag: string;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;

export function seal(keys: LocalTokenKeyRing, plaintext: string, associatedData: string): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, keys.current.key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    keyId: keys.current.id,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    authTag: cipher.getAuthTag().toString('base64'),
  };
}

export function open(keys: LocalTokenKeyRing, sealed: SealedValue, associatedData: string): string {
  const key = keys.byId.get(sealed.keyId);
  if (!key) throw new Error(`the local token key "${sealed.keyId}" is no longer in LOCAL_TOKEN_KEYS`);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.authTag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new Error(
      `a local token entity failed authentication with key "${sealed.keyId}" (tampered, moved or wrong key)`,
    );
  }
}
