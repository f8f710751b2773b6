// A stand-in authority over real HTTP on 127.0.0.1: the OpenID configuration and the JWKS it names,
// with the keys replaceable (a rotation) and the JWKS requests counted (refetch on an unknown kid).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import { GRAPH_CHANGE_TRACKING_APP_ID } from '../../../../../shared/providers/microsoft/webhooks/resource-data/validation-tokens.js';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicKey: CryptoKey;
}

export async function generateSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'sig' } };
}

export interface AuthorityServer {
  host: string;
  jwksRequests: () => number;
  setKeys: (keys: SigningKey[]) => void;
  setConfigStatus: (status: number) => void;
  close: () => Promise<void>;
}

export async function startAuthority(keys: SigningKey[]): Promise<AuthorityServer> {
  let published = keys;
  let jwksRequests = 0;
  let configStatus = 200;
  const server: Server = createServer((request, response) => {
    const { port } = server.address() as AddressInfo;
    if (request.url === '/common/.well-known/openid-configuration') {
      response.writeHead(configStatus, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ issuer: 'https://sts.windows.net/{tenantid}/', jwks_uri: `http://127.0.0.1:${port}/keys` }),
      );
      return;
    }
    if (request.url === '/keys') {
      jwksRequests++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `http://127.0.0.1:${port}`,
    jwksRequests: () => jwksRequests,
    setKeys: (next) => {
      published = next;
    },
    setConfigStatus: (status) => {
      configStatus = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const TENANT_ID = '7a3c1f0e-5b6d-4e8f-9a0b-1c2d3e4f5a6b';
export const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

/** A validation token as Graph issues it (v1: issuer sts.windows.net, appid Change Tracking). */
export function graphTokenClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: `https://sts.windows.net/${TENANT_ID}/`,
    aud: CLIENT_ID,
    appid: GRAPH_CHANGE_TRACKING_APP_ID,
    tid: TENANT_ID,
    ...overrides,
  };
}

export async function signToken(key: SigningKey, claims: JWTPayload, expiresIn: string | number = '1h') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime(expiresIn)
    .sign(key.privateKey);
}
