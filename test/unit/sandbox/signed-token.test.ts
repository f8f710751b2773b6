// Delta tokens, cursors and download URLs are signed so clients cannot forge or edit them.
import { describe, expect, it } from 'vitest';
import { SignedTokenCodec } from '../../../dev/sandbox/state/signed-token.js';

describe('SignedTokenCodec', () => {
  it('round-trips a payload as URL-safe text', () => {
    const codec = new SignedTokenCodec();
    const token = codec.encode({ k: 'd', q: 42 });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(codec.decode(token)).toEqual({ k: 'd', q: 42 });
  });

  it('rejects edited payloads, other keys and garbage', () => {
    const codec = new SignedTokenCodec();
    const token = codec.encode({ q: 1 });
    const [, signature] = token.split('.');
    const edited = `${Buffer.from(JSON.stringify({ q: 2 })).toString('base64url')}.${signature}`;
    expect(codec.decode(edited)).toBeUndefined();
    expect(new SignedTokenCodec().decode(token)).toBeUndefined();
    expect(codec.decode('not-a-token')).toBeUndefined();
  });
});
