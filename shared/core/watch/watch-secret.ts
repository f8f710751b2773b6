// The per-watch secret a provider echoes in every notification. It is given to the provider once, at
// creation, and only its SHA-256 digest is stored: a leaked table row cannot be used to forge
// notifications, and a comparison of fixed-length digests runs in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: 43 characters. */
const SECRET_BYTES = 32;
const SECRET_LENGTH = Math.ceil((SECRET_BYTES * 4) / 3);

/** A fresh secret, checked against the provider's limit (a provider that allows less cannot be watched safely). */
export function newWatchSecret(maxLength: number): string {
  if (maxLength < SECRET_LENGTH) {
    throw new Error(`the provider accepts secrets of at most ${maxLength} characters; ${SECRET_LENGTH} are needed`);
  }
  return randomBytes(SECRET_BYTES).toString('base64url');
}

export function watchSecretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time check of a received secret against the stored hex digest. */
export function watchSecretMatches(received: string | undefined, storedSha256Hex: string): boolean {
  if (received === undefined) return false;
  const expected = Buffer.from(storedSha256Hex, 'hex');
  const actual = createHash('sha256').update(received, 'utf8').digest();
  // Both are 32-byte digests unless the stored value is corrupt; timingSafeEqual throws on a length mismatch.
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
