// Opaque, tamper-evident tokens (delta tokens, enumeration cursors, download URLs): base64url JSON
// plus a truncated HMAC, so clients cannot forge or edit them and must treat them as opaque, as
// with real Graph.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class SignedTokenCodec {
  private readonly key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
  }

  /** The signing key, so a persisted sandbox's delta tokens and download URLs stay valid after a restart. */
  exportKey(): string {
    return this.key.toString('base64');
  }

  encode(payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The decoded JSON (still to be validated by the caller's schema), or undefined if forged or malformed. */
  decode(token: string): unknown {
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.sign(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }
}
