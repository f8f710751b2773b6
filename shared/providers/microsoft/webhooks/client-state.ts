// The clientState secret of a subscription (graph-behaviour.md §3: at most 128 characters). It is sent
// to Graph once, at creation, and only its SHA-256 digest is stored: a leaked table row cannot be
// used to forge notifications, and a comparison of fixed-length digests runs in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: 43 characters, inside Graph's 128-character limit. */
export function newClientState(): string {
  return randomBytes(32).toString('base64url');
}

export function hashClientState(clientState: string): string {
  return createHash('sha256').update(clientState, 'utf8').digest('hex');
}

/** Constant-time check of a received clientState against the stored hex digest. */
export function clientStateMatches(received: string | undefined, storedSha256Hex: string): boolean {
  if (received === undefined) return false;
  const expected = Buffer.from(storedSha256Hex, 'hex');
  const actual = createHash('sha256').update(received, 'utf8').digest();
  // Both are 32-byte digests unless the stored value is corrupt; timingSafeEqual throws on a length mismatch.
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
