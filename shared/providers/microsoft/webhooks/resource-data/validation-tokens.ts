// Validates the JWTs Graph puts in `validationTokens` of a batch with resource data, as
// https://learn.microsoft.com/en-us/graph/change-notifications-with-resource-data
// lists: not expired; signed by the Microsoft identity platform (the keys of the authority's
// jwks_uri, openid-configuration.ts), RS256 only, so `alg: none` and an HS256 token keyed with the
// public key fail; issued for our app (aud = MS_CLIENT_ID); issuer https://sts.windows.net/{tenantId}/;
// appid = Microsoft Graph Change Tracking (0bf30f3b-4a52-48df-9a82-234910c4a086).
// The keys are jose's createRemoteJWKSet: fetched once and cached, fetched again when a token names an
// unknown kid (a key rotation), at most once per cooldown. Failures are reasons; the token and the
// error texts of jose never leave this file.
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { fetchJwksUri } from './openid-configuration.js';

/** The appid of "Microsoft Graph Change Tracking", the app that signs validation tokens. */
export const GRAPH_CHANGE_TRACKING_APP_ID = '0bf30f3b-4a52-48df-9a82-234910c4a086';

export type TokenFailure =
  | 'malformed'
  | 'bad_alg'
  | 'bad_signature'
  | 'unknown_key'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'wrong_appid'
  | 'expired'
  | 'not_yet_valid'
  /** The authority's configuration or keys could not be read: transient, Graph should deliver again. */
  | 'keys_unavailable';

export type TokenVerdict = { ok: true; tenantId: string } | { ok: false; reason: TokenFailure };

export interface ValidationTokenVerifier {
  /** Checks one token; its issuer must be the tenant of one of `tenantIds` (the notifications' tenants). */
  verify(token: string, tenantIds: readonly string[]): Promise<TokenVerdict>;
}

export interface ValidationTokenVerifierOptions {
  /** AUTHORITY_HOST (config.providers.microsoft.authorityHost). */
  authorityHost: string;
  /** MS_CLIENT_ID: the audience of the tokens. */
  clientId: string;
  /** Default 60 s. */
  clockToleranceSeconds?: number;
  /** Least time between two fetches of the keys (jose's cooldownDuration); default 30 s. */
  jwksCooldownMs?: number;
  /** Keys older than this are fetched again (jose's cacheMaxAge); default 1 hour. */
  jwksCacheMaxAgeMs?: number;
  /** Per request to the authority; default 5 s (the webhook has 3 s in all, but this runs once an hour). */
  timeoutMs?: number;
  now?: () => Date;
}

/** A JWT is far smaller; this bounds what an anonymous POST can make us parse. */
export const MAX_VALIDATION_TOKEN_LENGTH = 16_384;

const graphClaimsSchema = z.object({ appid: z.literal(GRAPH_CHANGE_TRACKING_APP_ID) });
const issuerPrefix = 'https://sts.windows.net/';

export function createValidationTokenVerifier(options: ValidationTokenVerifierOptions): ValidationTokenVerifier {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const getKeys = (): Promise<JWTVerifyGetKey> => {
    if (keys) return keys;
    const pending = fetchJwksUri(options.authorityHost, timeoutMs).then((jwksUri) =>
      createRemoteJWKSet(jwksUri, {
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: options.jwksCacheMaxAgeMs ?? 3_600_000,
        timeoutDuration: timeoutMs,
      }),
    );
    // A failed configuration read is not kept: the next batch asks again.
    pending.catch(() => {
      if (keys === pending) keys = undefined;
    });
    keys = pending;
    return pending;
  };

  return {
    async verify(token, tenantIds) {
      if (token.length > MAX_VALIDATION_TOKEN_LENGTH || tenantIds.length === 0)
        return { ok: false, reason: 'malformed' };
      let jwks: JWTVerifyGetKey;
      try {
        jwks = await getKeys();
      } catch {
        return { ok: false, reason: 'keys_unavailable' };
      }
      const issuers = tenantIds.map((tenantId) => `${issuerPrefix}${tenantId.toLowerCase()}/`);
      try {
        const { payload } = await jwtVerify(token, jwks, {
          algorithms: ['RS256'],
          issuer: issuers,
          audience: options.clientId,
          requiredClaims: ['exp'],
          clockTolerance: options.clockToleranceSeconds ?? 60,
          ...(options.now ? { currentDate: options.now() } : {}),
        });
        if (!graphClaimsSchema.safeParse(payload).success) return { ok: false, reason: 'wrong_appid' };
        // jwtVerify matched iss against `issuers`, so it is one of them.
        return { ok: true, tenantId: (payload.iss ?? '').slice(issuerPrefix.length, -1) };
      } catch (error) {
        return { ok: false, reason: failureOf(error) };
      }
    },
  };
}

function failureOf(error: unknown): TokenFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'wrong_issuer';
    if (error.claim === 'aud') return 'wrong_audience';
    if (error.claim === 'nbf') return 'not_yet_valid';
    return 'malformed';
  }
  // Only our RS256 restriction says bad_alg; jose's own refusal of an alg and key that do not go together
  // (JOSENotSupported) is malformed, so a test of alg none or HS256 fails if the restriction goes.
  if (error instanceof errors.JOSEAlgNotAllowed) return 'bad_alg';
  if (error instanceof errors.JOSENotSupported) return 'malformed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown_key';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'unknown_key';
  // JWKSTimeout, JWKSInvalid, a failed fetch of the keys: nothing said about the token.
  return 'keys_unavailable';
}
