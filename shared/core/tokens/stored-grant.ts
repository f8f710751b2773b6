// The document a token store keeps per source. One JSON document holds everything needed to get an
// access token for the source, so one write makes a refresh durable (invariant 4): the rotated refresh
// token and the access token it came with are stored together, or not at all.
//
// The fields below are the provider-neutral ones. A provider keeps its own fields beside them, at the
// top level (e.g. the directory that serves the grant): they are opaque here, kept as read, and checked by the source
// type's OAuth client (OAuthClient.grantFields). The layout is the one documents were always stored in,
// so documents written before the split still load (docs/tokens.md).
import { z } from 'zod';

/** Why the grant can no longer be used, recorded so later calls fail fast without a token call. */
export const grantInvalidSchema = z.object({
  /** Readable, secret-free reason for the host (source status) and the logs. */
  reason: z.string().min(1),
  /** OAuth error, e.g. "invalid_grant". */
  error: z.string().min(1),
  /** The provider's numeric error code of the answer, when it had one. */
  code: z.number().int().optional(),
  at: z.string(),
  /**
   * When set, one probe call is allowed after this time (ms since epoch). Only for causes an
   * administrator can fix without the user (the app's own credential); a dead grant never gets one.
   */
  probeAfterMs: z.number().optional(),
});
export type GrantInvalid = z.infer<typeof grantInvalidSchema>;

const cachedAccessToken = {
  /**
   * The latest access token and its expiry. Kept beside the refresh token so that another instance
   * can reuse it instead of refreshing again; acceptable because it lives in the same protected store
   * as the refresh token, which is the more powerful credential of the two.
   */
  accessToken: z.string().min(1).optional(),
  accessTokenExpiresAtMs: z.number().optional(),
};

const common = {
  schemaVersion: z.literal(1),
  scopes: z.array(z.string()),
  /** When the refresh token (or the app-only grant) was stored or last rotated (ISO 8601). */
  obtainedAt: z.string(),
  invalid: grantInvalidSchema.optional(),
  /** The OAuth client that serves the grant (OAuthClient.name); absent in documents stored before there were several. */
  client: z.string().min(1).optional(),
  ...cachedAccessToken,
};

// Loose objects: the provider's fields pass through unchanged (see the header).
export const storedGrantSchema = z.discriminatedUnion('kind', [
  /** A user's delegated grant: refreshed with its refresh token, which may rotate on each refresh. */
  z.looseObject({ kind: z.literal('delegated'), refreshToken: z.string().min(1), ...common }),
  /** App-only (client credentials): no refresh token; tokens come from the app's own credential. */
  z.looseObject({ kind: z.literal('app'), ...common }),
]);

export type StoredGrant = z.infer<typeof storedGrantSchema>;
export type DelegatedGrant = Extract<StoredGrant, { kind: 'delegated' }>;
export type AppOnlyGrant = Extract<StoredGrant, { kind: 'app' }>;

const NEUTRAL_FIELDS: ReadonlySet<string> = new Set(Object.keys(storedGrantSchema.options[0].shape));

/** The fields of a stored grant that are not the neutral ones: the provider's part. */
export function providerFields(grant: StoredGrant): Readonly<Record<string, unknown>> {
  return Object.fromEntries(Object.entries(grant).filter(([name]) => !NEUTRAL_FIELDS.has(name)));
}

/** Parses a stored document; a document that does not parse is treated as corrupt, never guessed at. */
export function parseStoredGrant(json: string): StoredGrant {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new CorruptGrantError('the stored grant is not JSON');
  }
  const parsed = storedGrantSchema.safeParse(value);
  // zod issues name paths and expectations, never the input values: safe to keep in the message.
  if (!parsed.success)
    throw new CorruptGrantError(`the stored grant does not match its schema: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

export class CorruptGrantError extends Error {
  readonly kind = 'corrupt-grant' as const;
  constructor(message: string) {
    super(message);
    this.name = 'CorruptGrantError';
  }
}
