// QuickXorHash against a published vector and against a literal transcription of the algorithm's
// description (OneDrive docs, "Code Snippets: QuickXorHash": XorHash0 with rotate and extend64).
import { describe, expect, it } from 'vitest';
import { quickXorHashBase64, quickXorHashBytes } from '../../../dev/sandbox/state/quick-xor-hash.js';

/** The description's pseudo-code on a 160-bit BigInt: xor(extend64(length), XorHash0(bytes)). */
function referenceQuickXorHash(data: Uint8Array): Buffer {
  const width = 160n;
  const mask = (1n << width) - 1n;
  const rotate = (value: bigint, n: bigint) => ((value << n) | (value >> (width - n))) & mask;
  let block = 0n;
  for (let i = 0; i < data.length; i++) block ^= rotate(BigInt(data[i]!), BigInt((i * 11) % 160));
  // Byte order: bit k of the block is bit (k mod 8) of byte floor(k / 8); the length is XORed into the
  // last 8 bytes, little-endian (the C# HashFinal of the same doc page).
  const out = Buffer.alloc(20);
  for (let byte = 0; byte < 20; byte++) out[byte] = Number((block >> BigInt(byte * 8)) & 0xffn);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(data.length));
  for (let i = 0; i < 8; i++) out[12 + i] = out[12 + i]! ^ length[i]!;
  return out;
}

describe('quickXorHash', () => {
  it('matches the published vector for "hello world" (docs.rs quickxorhash crate example)', () => {
    expect([...quickXorHashBytes(Buffer.from('hello world'))]).toEqual([
      104, 40, 3, 27, 216, 240, 6, 16, 220, 225, 13, 114, 107, 3, 25, 0, 0, 0, 0, 0,
    ]);
  });

  it('is twenty zero bytes for empty content', () => {
    expect(quickXorHashBase64(Buffer.alloc(0))).toBe(Buffer.alloc(20).toString('base64'));
  });

  it('agrees with the literal algorithm on inputs that wrap the 160-bit register many times', () => {
    for (const length of [1, 19, 20, 21, 159, 160, 161, 1000, 4099]) {
      const data = Buffer.alloc(length);
      for (let i = 0; i < length; i++) data[i] = (i * 31 + 7) & 0xff;
      expect(quickXorHashBytes(data).toString('hex')).toBe(referenceQuickXorHash(data).toString('hex'));
    }
  });

  it('changes when one byte changes', () => {
    expect(quickXorHashBase64(Buffer.from('report v1'))).not.toBe(quickXorHashBase64(Buffer.from('report v2')));
  });
});
