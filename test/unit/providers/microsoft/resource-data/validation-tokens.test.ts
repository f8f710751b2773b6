// Validation tokens against an authority served over real HTTP on 127.0.0.1 (authority-server.ts),
// signed with jose: the valid one passes, and each documented check refuses its own forgery.
import { createPublicKey } from 'node:crypto';
import { exportSPKI, SignJWT, base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValidationTokenVerifier } from '../../../../../shared/providers/microsoft/webhooks/resource-data/validation-tokens.js';
import {
  CLIENT_ID,
  TENANT_ID,
  generateSigningKey,
  graphTokenClaims,
  signToken,
  startAuthority,
  type AuthorityServer,
  type SigningKey,
} from './authority-server.js';

let authority: AuthorityServer;
let keyA: SigningKey;
let keyB: SigningKey;

beforeAll(async () => {
  keyA = await generateSigningKey('key-a');
  keyB = await generateSigningKey('key-b');
  authority = await startAuthority([keyA]);
});
afterAll(() => authority.close());

const verifier = (options: { jwksCooldownMs?: number } = {}) =>
  createValidationTokenVerifier({ authorityHost: authority.host, clientId: CLIENT_ID, ...options });

describe('validation tokens', () => {
  it('accepts a token signed by the authority for our app, and names its tenant', async () => {
    authority.setKeys([keyA]);
    const token = await signToken(keyA, graphTokenClaims());
    expect(await verifier().verify(token, [TENANT_ID])).toEqual({ ok: true, tenantId: TENANT_ID });
  });

  it.each([
    ['wrong_audience', { aud: 'someone-else' }],
    ['wrong_issuer', { iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' }],
    ['wrong_issuer', { iss: `https://login.microsoftonline.com/${TENANT_ID}/v2.0` }],
    ['wrong_appid', { appid: '00000000-0000-0000-0000-000000000001' }],
    ['wrong_appid', { appid: undefined }],
  ])('refuses %s (%o)', async (reason, overrides) => {
    authority.setKeys([keyA]);
    const token = await signToken(keyA, graphTokenClaims(overrides));
    expect(await verifier().verify(token, [TENANT_ID])).toEqual({ ok: false, reason });
  });

  it('refuses a token of another tenant than the notifications name', async () => {
    const token = await signToken(keyA, graphTokenClaims());
    expect(await verifier().verify(token, ['99999999-0000-0000-0000-000000000000'])).toEqual({
      ok: false,
      reason: 'wrong_issuer',
    });
  });

  it('refuses an expired token, beyond the clock tolerance', async () => {
    authority.setKeys([keyA]);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT(graphTokenClaims({ iat: now - 3600, nbf: now - 3600 }))
      .setProtectedHeader({ alg: 'RS256', kid: keyA.kid })
      .setExpirationTime(now - 120)
      .sign(keyA.privateKey);
    expect(await verifier().verify(expired, [TENANT_ID])).toEqual({ ok: false, reason: 'expired' });
    // Within the 60 s tolerance it is still accepted.
    const justExpired = await signToken(keyA, graphTokenClaims(), now - 30);
    expect((await verifier().verify(justExpired, [TENANT_ID])).ok).toBe(true);
  });

  it('refuses a token without an expiry', async () => {
    const token = await new SignJWT(graphTokenClaims())
      .setProtectedHeader({ alg: 'RS256', kid: keyA.kid })
      .sign(keyA.privateKey);
    expect(await verifier().verify(token, [TENANT_ID])).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses alg "none"', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(
      JSON.stringify({ ...graphTokenClaims(), exp: Math.floor(Date.now() / 1000) + 3600 }),
    );
    expect(await verifier().verify(`${header}.${payload}.`, [TENANT_ID])).toEqual({ ok: false, reason: 'bad_alg' });
  });

  it('refuses HS256 keyed with the public key (the key-confusion attack)', async () => {
    const publicPem = await exportSPKI(keyA.publicKey);
    for (const secret of [
      new TextEncoder().encode(publicPem),
      createPublicKey(publicPem).export({ format: 'der', type: 'spki' }),
    ]) {
      const token = await new SignJWT(graphTokenClaims())
        .setProtectedHeader({ alg: 'HS256', kid: keyA.kid })
        .setExpirationTime('1h')
        .sign(secret);
      expect(await verifier().verify(token, [TENANT_ID])).toEqual({ ok: false, reason: 'bad_alg' });
    }
  });

  it('refuses a token whose signature was made by another key under a known kid', async () => {
    authority.setKeys([keyA]);
    const forged = await new SignJWT(graphTokenClaims())
      .setProtectedHeader({ alg: 'RS256', kid: keyA.kid })
      .setExpirationTime('1h')
      .sign(keyB.privateKey);
    expect(await verifier().verify(forged, [TENANT_ID])).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refetches the keys on an unknown kid, and accepts the rotated key once published', async () => {
    authority.setKeys([keyA]);
    const check = verifier({ jwksCooldownMs: 0 });
    expect((await check.verify(await signToken(keyA, graphTokenClaims()), [TENANT_ID])).ok).toBe(true);
    const before = authority.jwksRequests();

    const rotated = await signToken(keyB, graphTokenClaims());
    expect(await check.verify(rotated, [TENANT_ID])).toEqual({ ok: false, reason: 'unknown_key' });
    expect(authority.jwksRequests()).toBe(before + 1);

    authority.setKeys([keyA, keyB]);
    expect(await check.verify(rotated, [TENANT_ID])).toEqual({ ok: true, tenantId: TENANT_ID });
    expect(authority.jwksRequests()).toBe(before + 2);
    // Known keys come from the cache.
    await check.verify(rotated, [TENANT_ID]);
    expect(authority.jwksRequests()).toBe(before + 2);
  });

  it('does not refetch the keys within the cooldown, however many unknown kids arrive', async () => {
    authority.setKeys([keyA]);
    const check = verifier({ jwksCooldownMs: 60_000 });
    await check.verify(await signToken(keyA, graphTokenClaims()), [TENANT_ID]);
    const before = authority.jwksRequests();
    const unknown = await signToken(keyB, graphTokenClaims());
    for (let i = 0; i < 5; i++) {
      expect(await check.verify(unknown, [TENANT_ID])).toEqual({ ok: false, reason: 'unknown_key' });
    }
    expect(authority.jwksRequests()).toBe(before);
  });

  it.each(['', 'abc', 'not.a.jwt', 'a.b.c.d.e', `${'x'.repeat(20_000)}`])('refuses the malformed %#', async (token) => {
    expect(await verifier().verify(token, [TENANT_ID])).toEqual({ ok: false, reason: 'malformed' });
  });

  it('answers keys_unavailable while the authority fails, and recovers after', async () => {
    authority.setKeys([keyA]);
    const check = verifier();
    const token = await signToken(keyA, graphTokenClaims());
    authority.setConfigStatus(503);
    try {
      expect(await check.verify(token, [TENANT_ID])).toEqual({ ok: false, reason: 'keys_unavailable' });
    } finally {
      authority.setConfigStatus(200);
    }
    expect((await check.verify(token, [TENANT_ID])).ok).toBe(true);
  });

  it('never echoes the token', async () => {
    const token = await signToken(keyA, graphTokenClaims({ aud: 'someone-else' }));
    const text = JSON.stringify(await verifier().verify(token, [TENANT_ID]));
    expect(text).not.toContain(token.split('.')[1]);
  });
});
