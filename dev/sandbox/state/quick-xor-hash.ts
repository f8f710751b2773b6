// Microsoft's QuickXorHash, the only content hash both OneDrive personal and Business guarantee
// (docs/graph-behaviour.md §1). Algorithm from the OneDrive docs "Code Snippets: QuickXorHash"
// (onedrive-api-docs/docs/code-snippets/quickxorhash.md): each byte is XORed into a 160-bit circular
// register at bit offset (index * 11) mod 160; finally the 64-bit little-endian length is XORed into
// the last 8 bytes of the 20-byte result, which is sent base64-encoded.
const WIDTH_IN_BITS = 160;
const WIDTH_IN_BYTES = WIDTH_IN_BITS / 8;
const SHIFT = 11;

export function quickXorHashBytes(data: Uint8Array): Buffer {
  const register = Buffer.alloc(WIDTH_IN_BYTES);
  let bitOffset = 0;
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    const byteIndex = bitOffset >>> 3;
    const bitInByte = bitOffset & 7;
    register[byteIndex] = register[byteIndex]! ^ ((value << bitInByte) & 0xff);
    if (bitInByte !== 0) {
      // The byte straddles two register bytes; the register wraps from byte 19 to byte 0.
      const nextIndex = (byteIndex + 1) % WIDTH_IN_BYTES;
      register[nextIndex] = register[nextIndex]! ^ (value >>> (8 - bitInByte));
    }
    bitOffset = (bitOffset + SHIFT) % WIDTH_IN_BITS;
  }
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(data.length));
  for (let i = 0; i < 8; i++) {
    const index = WIDTH_IN_BYTES - 8 + i;
    register[index] = register[index]! ^ length[i]!;
  }
  return register;
}

/** The form Graph returns in `file.hashes.quickXorHash`. */
export function quickXorHashBase64(data: Uint8Array): string {
  return quickXorHashBytes(data).toString('base64');
}
