import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConnectStateSigner, type ConnectStatePayload } from '../../../shared/core/connect/signed-state.js';

const secret = 'a-connect-state-secret-of-at-least-32-chars';
const payload: ConnectStatePayload = {
  v: 1,
  id: randomBytes(32).toString('base64url'),
  kbId: 'kb-1',
  sourceId: 'src-1',
  returnTo: 'https://app.example.com/done',
  exp: 1_800_000_000_000,
};

function part(state: string, index: 0 | 1): string {
  return state.split('.')[index]!;
}

describe('signed connect state', () => {
  const signer = new ConnectStateSigner(secret);

  it('verifies what it signed and returns the payload', () => {
    expect(signer.verify(signer.sign(payload))).toEqual(payload);
  });

  it('rejects a state signed with another secret', () => {
    const other = new ConnectStateSigner(`${secret}-other`);
    expect(signer.verify(other.sign(payload))).toBeUndefined();
  });

  it('rejects a changed binding (kbId, sourceId, returnTo, expiry) under the original signature', () => {
    const state = signer.sign(payload);
    for (const change of [
      { kbId: 'kb-2' },
      { sourceId: 'src-2' },
      { returnTo: 'https://evil.example.net/' },
      { exp: payload.exp + 60_000 },
    ]) {
      const forgedBody = Buffer.from(JSON.stringify({ ...payload, ...change })).toString('base64url');
      expect(signer.verify(`${forgedBody}.${part(state, 1)}`)).toBeUndefined();
    }
  });

  it('rejects a flipped signature bit, a truncated or extended state and garbage', () => {
    const state = signer.sign(payload);
    const signature = Buffer.from(part(state, 1), 'base64url');
    signature[0]! ^= 1;
    expect(signer.verify(`${part(state, 0)}.${signature.toString('base64url')}`)).toBeUndefined();
    expect(signer.verify(state.slice(0, -2))).toBeUndefined();
    expect(signer.verify(`${state}.x`)).toBeUndefined();
    expect(signer.verify(part(state, 0))).toBeUndefined();
    expect(signer.verify('')).toBeUndefined();
    expect(signer.verify('not-a-state')).toBeUndefined();
    expect(signer.verify('x'.repeat(10_000))).toBeUndefined();
  });

  it('rejects a correctly signed body that is not a valid payload', () => {
    // Built with the signer's own MAC through sign(): an unknown field breaks the strict schema.
    const loose = signer.sign({ ...payload, extra: 1 } as unknown as ConnectStatePayload);
    expect(signer.verify(loose)).toBeUndefined();
  });
});
