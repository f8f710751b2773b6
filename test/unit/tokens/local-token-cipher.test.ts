import { describe, expect, it } from 'vitest';
import { open, seal } from '../../../shared/adapters/azure-tables/local-token-cipher.js';
import {
  generateLocalTokenKeyEntry,
  parseLocalTokenKeys,
} from '../../../shared/adapters/azure-tables/local-token-keys.js';

describe('local token cipher (AES-256-GCM)', () => {
  const ring = parseLocalTokenKeys(generateLocalTokenKeyEntry('k1'));

  it('round-trips and records the key id', () => {
    const sealed = seal(ring, '{"refreshToken":"rt"}', 'row-a');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.ciphertext).not.toContain('rt');
    expect(open(ring, sealed, 'row-a')).toBe('{"refreshToken":"rt"}');
  });

  it('uses a fresh IV each time', () => {
    expect(seal(ring, 'same', 'row').iv).not.toBe(seal(ring, 'same', 'row').iv);
  });

  it('fails when the value is moved to another row (associated data)', () => {
    const sealed = seal(ring, 'secret', 'row-a');
    expect(() => open(ring, sealed, 'row-b')).toThrow(/failed authentication/);
  });

  it('fails when the ciphertext is altered', () => {
    const sealed = seal(ring, 'secret value', 'row');
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    expect(() => open(ring, { ...sealed, ciphertext: bytes.toString('base64') }, 'row')).toThrow(
      /failed authentication/,
    );
  });

  it('decrypts with an older key after rotation, and says which key is missing once it is dropped', () => {
    const old = parseLocalTokenKeys(generateLocalTokenKeyEntry('k1'));
    const sealed = seal(old, 'grant', 'row');
    const newEntry = generateLocalTokenKeyEntry('k2');
    const oldEntry = `k1:${old.current.key.toString('base64')}`;
    expect(open(parseLocalTokenKeys(`${newEntry},${oldEntry}`), sealed, 'row')).toBe('grant');
    expect(() => open(parseLocalTokenKeys(newEntry), sealed, 'row')).toThrow(/"k1" is no longer/);
  });
});
