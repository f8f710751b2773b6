// The key ring of the local token store, from LOCAL_TOKEN_KEYS: comma-separated `keyId:base64` pairs
// of 32-byte AES keys. The first key encrypts; every key listed can decrypt, which is what makes
// rotation possible (put a new key first, re-encrypt, then drop the old one).
import { randomBytes } from 'node:crypto';

export interface LocalTokenKey {
  id: string;
  key: Buffer;
}

export interface LocalTokenKeyRing {
  current: LocalTokenKey;
  byId: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;

/** Parses the setting. Problems are reported by position and key id, never by key material. */
export function parseLocalTokenKeys(setting: string | undefined): LocalTokenKeyRing {
  if (!setting?.trim()) {
    throw new Error('LOCAL_TOKEN_KEYS is not set: the local token store needs a key (npm start creates one)');
  }
  const keys: LocalTokenKey[] = [];
  const byId = new Map<string, Buffer>();
  setting.split(',').forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator).trim();
    const material = entry.slice(separator + 1).trim();
    if (separator <= 0 || !KEY_ID.test(id)) {
      throw new Error(
        `LOCAL_TOKEN_KEYS entry ${index + 1}: expected keyId:base64 with a key id of letters, digits, "_" or "-"`,
      );
    }
    const key = Buffer.from(material, 'base64');
    if (key.length !== KEY_BYTES || key.toString('base64') !== material) {
      throw new Error(`LOCAL_TOKEN_KEYS key "${id}": expected ${KEY_BYTES} bytes in standard base64`);
    }
    if (byId.has(id)) throw new Error(`LOCAL_TOKEN_KEYS key "${id}" is listed twice`);
    byId.set(id, key);
    keys.push({ id, key });
  });
  const current = keys[0];
  if (!current) throw new Error('LOCAL_TOKEN_KEYS holds no key');
  return { current, byId };
}

/** A new `keyId:base64` entry for LOCAL_TOKEN_KEYS. */
export function generateLocalTokenKeyEntry(keyId: string): string {
  if (!KEY_ID.test(keyId)) throw new Error('key ids are letters, digits, "_" or "-" (at most 32)');
  return `${keyId}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
