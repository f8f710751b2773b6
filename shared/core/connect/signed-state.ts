// The OAuth `state` of the connect flow: the flow's binding (kbId, sourceId, returnTo, expiry and the id
// of its one-time row) as base64url JSON plus an HMAC-SHA256 over it. The browser carries it through
// the provider's sign-in and back; nobody without CONNECT_STATE_SECRET can make or change one, so a
// callback can trust its returnTo even before looking anything up. The state is signed, not encrypted:
// it holds nothing secret (the PKCE verifier stays in the row, connect-state-store.ts).
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { idSchema } from '../domain/source.js';

export const connectStatePayloadSchema = z
  .object({
    v: z.literal(1),
    /** Id of the one-time row (connect-state-store.ts). */
    id: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    kbId: idSchema,
    sourceId: idSchema,
    returnTo: z.string().min(1).max(2048),
    /** Expiry, ms since the epoch. */
    exp: z.number().int().positive(),
  })
  .strict();
export type ConnectStatePayload = z.infer<typeof connectStatePayloadSchema>;

/** Longest state we read; a real one is a few hundred characters. */
const MAX_STATE_LENGTH = 4096;

export class ConnectStateSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    // A key for this one purpose, so the setting could later serve another without the two MACs colliding.
    this.key = Buffer.from(hkdfSync('sha256', secret, '', 'kb-sync connect state v1', 32));
  }

  sign(payload: ConnectStatePayload): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The payload when the signature is ours and the content well formed; undefined for anything else. */
  verify(state: string): ConnectStatePayload | undefined {
    if (state.length > MAX_STATE_LENGTH) return undefined;
    const [body, signature, extra] = state.split('.');
    if (!body || !signature || extra !== undefined) return undefined;
    const given = Buffer.from(signature, 'base64url');
    const expected = this.mac(body);
    // Constant-time comparison; lengths are public (always 32 bytes for ours).
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const parsed = connectStatePayloadSchema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }
}
