import { X509Certificate, constants, createHash, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TOKEN_EXCHANGE_SCOPE,
  certificateCredential,
  clientSecretCredential,
  managedIdentityFederationCredential,
} from '../../../shared/providers/microsoft/identity/client-credential.js';

// The sandbox's self-signed certificate serves as an app certificate here (any RSA certificate does).
const certPem = readFileSync(new URL('../../../.sandbox/tls/cert.pem', import.meta.url), 'utf8');
const keyPem = readFileSync(new URL('../../../.sandbox/tls/key.pem', import.meta.url), 'utf8');
const TOKEN_URL = 'https://login.microsoftonline.com/contoso/oauth2/v2.0/token';

function decodePart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('client credentials', () => {
  it('sends a client secret as client_secret', async () => {
    expect(await clientSecretCredential('s3cret-value').formFields(TOKEN_URL)).toEqual({
      client_secret: 's3cret-value',
    });
  });

  it('signs a PS256 certificate assertion with the documented header and claims', async () => {
    const now = 1_800_000_000_000;
    const credential = certificateCredential({ clientId: 'app-id', pem: `${certPem}\n${keyPem}`, now: () => now });
    const fields = await credential.formFields(TOKEN_URL);
    expect(fields.client_assertion_type).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const [header, claims, signature] = (fields.client_assertion ?? '').split('.');
    const certificate = new X509Certificate(certPem);
    expect(decodePart(header)).toEqual({
      alg: 'PS256',
      typ: 'JWT',
      'x5t#S256': createHash('sha256').update(certificate.raw).digest('base64url'),
    });
    expect(decodePart(claims)).toMatchObject({
      aud: TOKEN_URL,
      iss: 'app-id',
      sub: 'app-id',
      nbf: now / 1000,
      exp: now / 1000 + 600,
    });
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${claims}`),
      {
        key: certificate.publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      },
      Buffer.from(signature ?? '', 'base64url'),
    );
    expect(valid).toBe(true);
  });

  it('makes every certificate assertion unique (jti)', async () => {
    const credential = certificateCredential({ clientId: 'app-id', pem: `${certPem}\n${keyPem}` });
    const a = decodePart((await credential.formFields(TOKEN_URL)).client_assertion?.split('.')[1]);
    const b = decodePart((await credential.formFields(TOKEN_URL)).client_assertion?.split('.')[1]);
    expect(a.jti).not.toBe(b.jti);
  });

  it('rejects a PEM without a private key, without quoting it', () => {
    expect(() => certificateCredential({ clientId: 'app-id', pem: certPem })).toThrow(/holds no usable private key/);
  });

  it('uses the managed identity token for the token exchange audience as the assertion', async () => {
    const scopes: string[] = [];
    const credential = managedIdentityFederationCredential({
      getToken: (scope) => {
        scopes.push(String(scope));
        return Promise.resolve({ token: 'mi-token', expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    });
    expect(await credential.formFields(TOKEN_URL)).toEqual({
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: 'mi-token',
    });
    expect(scopes).toEqual([TOKEN_EXCHANGE_SCOPE]);
  });
});
