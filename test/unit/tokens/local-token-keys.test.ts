import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateLocalTokenKeyEntry,
  parseLocalTokenKeys,
} from '../../../shared/adapters/azure-tables/local-token-keys.js';

const keyMaterial = () => randomBytes(32).toString('base64');

describe('parseLocalTokenKeys', () => {
  it('uses the first key to encrypt and keeps all keys for decryption', () => {
    const ring = parseLocalTokenKeys(`k2:${keyMaterial()}, k1:${keyMaterial()}`);
    expect(ring.current.id).toBe('k2');
    expect([...ring.byId.keys()]).toEqual(['k2', 'k1']);
  });

  it('accepts what generateLocalTokenKeyEntry produces', () => {
    const ring = parseLocalTokenKeys(generateLocalTokenKeyEntry('k7'));
    expect(ring.current.id).toBe('k7');
    expect(ring.current.key).toHaveLength(32);
  });

  it.each([
    ['', /not set/],
    ['k1', /entry 1/],
    [`:${keyMaterial()}`, /entry 1/],
    ['k1:c2hvcnQ=', /32 bytes/],
    [`k1:${keyMaterial()},k1:${keyMaterial()}`, /listed twice/],
    [`bad id:${keyMaterial()}`, /entry 1/],
  ])('rejects %j', (setting, message) => {
    expect(() => parseLocalTokenKeys(setting)).toThrow(message);
  });

  it('never echoes key material in its errors', () => {
    const material = randomBytes(31).toString('base64');
    const error = (() => {
      try {
        parseLocalTokenKeys(`k1:${material}`);
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error?.message).toBeDefined();
    expect(error?.message).not.toContain(material);
  });
});
