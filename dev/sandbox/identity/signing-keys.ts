// The keys the sandbox signs change-notification validation tokens with, as the Microsoft identity
// platform signs them (change-notifications-with-resource-data "Validating the authenticity of
// notifications": RS256 JWTs, keys published through the common OpenID configuration's jwks_uri and
// "rotated daily"). Rotation keeps the previous key listed, so tokens signed just before still verify.
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

/** The appid of the Microsoft Graph change notification publisher (same page, step 4). */
export const GRAPH_NOTIFICATION_PUBLISHER_APPID = '0bf30f3b-4a52-48df-9a82-234910c4a086';
const TOKEN_LIFETIME_SECONDS = 3600;

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface Jwk {
  kty: 'RSA';
  use: 'sig';
  kid: string;
  n: string;
  e: string;
}

export class SigningKeys {
  // Made on first use: a reset or a sandbox that never sends rich notifications pays no RSA key generation.
  private currentKey: SigningKey | undefined;
  private previous: SigningKey | undefined;

  private get current(): SigningKey {
    this.currentKey ??= newKey();
    return this.currentKey;
  }

  /** A new current key; the old one stays in the JWKS (the overlap) until the next rotation. */
  rotate(): { kid: string; previousKid: string } {
    this.previous = this.current;
    this.currentKey = newKey();
    return { kid: this.current.kid, previousKid: this.previous.kid };
  }

  currentKid(): string {
    return this.current.kid;
  }

  jwks(): { keys: Jwk[] } {
    return { keys: [this.current, ...(this.previous ? [this.previous] : [])].map(jwkOf) };
  }

  /**
   * A validation token for one app of the tenant: aud = the app's client id, iss =
   * https://sts.windows.net/{tenantId}/, appid = the Graph publisher, exp one hour after now (the
   * page's example claims).
   */
  validationToken(tenantId: string, audienceAppId: string, nowMs: number): string {
    const now = Math.floor(nowMs / 1000);
    const issuer = `https://sts.windows.net/${tenantId}/`;
    const claims = {
      aud: audienceAppId,
      iss: issuer,
      iat: now,
      nbf: now,
      exp: now + TOKEN_LIFETIME_SECONDS,
      aio: randomBytes(18).toString('base64'),
      appid: GRAPH_NOTIFICATION_PUBLISHER_APPID,
      appidacr: '2',
      idp: issuer,
      tid: tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
    };
    const header = { typ: 'JWT', alg: 'RS256', kid: this.current.kid, x5t: this.current.kid };
    const signingInput = `${base64url(header)}.${base64url(claims)}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(this.current.privateKey).toString('base64url');
    return `${signingInput}.${signature}`;
  }

  reset(): void {
    this.currentKey = undefined;
    this.previous = undefined;
  }
}

function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomBytes(20).toString('base64url'), privateKey, publicKey };
}

function jwkOf(key: SigningKey): Jwk {
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', use: 'sig', kid: key.kid, n: jwk.n!, e: jwk.e! };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
