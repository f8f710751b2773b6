// Turns a failed request to Google's token or revoke endpoint into the port's classification
// (core/ports/oauth-client.ts): "permanent" when a person must act, "transient" when a later retry may
// succeed. The error body is zod-parsed; Google's `error_description` is only matched against the
// texts listed here and never copied into a reason, since free text can echo what the request sent.
//
// Google's documented causes of a dead refresh token
// (https://developers.google.com/identity/protocols/oauth2#expiration): the user revoked the app's
// access; the token was unused for six months; the user changed their password and the grant has Gmail
// scopes; the account exceeded the number of live refresh tokens (per client and user, and per user);
// a Workspace admin restricted a requested scope's service (admin_policy_enforced) or set a session
// length; an app in "Testing" publishing status with an external user type gets refresh tokens that
// expire after 7 days; a time-based access grant ended. The token endpoint answers all of them with
// `invalid_grant` and mostly the same description ("Token has been expired or revoked."), so the
// reason lists them; descriptions that do single one out get their own reason.
import { z } from 'zod';
import type { OAuthFailure } from '../../../core/ports/oauth-client.js';

/** What a failed answer looked like, without anything of the request (gaxios-failure.ts builds it). */
export interface FailedAnswer {
  /** Undefined: no answer at all (timeout, reset, refused, TLS). */
  status: number | undefined;
  body: unknown;
  retryAfter: string | null | undefined;
}

/** The OAuth 2.0 error body (RFC 6749 §5.2) as Google's token endpoint sends it; only what we branch on. */
export const googleTokenErrorSchema = z.object({
  error: z.string().min(1).max(128),
  error_description: z.string().max(2_048).optional(),
  error_subtype: z.string().max(128).optional(),
});

const RECONNECT = 'reconnect the source';
const FIX_APP = 'fix the Google OAuth client (GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET) or its consent screen';

/** The documented causes, for the answers that do not say which one it was. */
export const DEAD_GRANT_CAUSES =
  'the user revoked access, it was unused for 6 months, the app is in Testing status (refresh tokens last 7 days), ' +
  'too many live refresh tokens exist for this client and user, the password changed (Gmail scopes), ' +
  'or a Workspace admin policy ended it';

/**
 * Descriptions Google sends with invalid_grant that we recognise, lower-cased and without the final
 * full stop, each with its readable reason.
 */
const INVALID_GRANT_REASONS: ReadonlyArray<[description: string, reason: string]> = [
  [
    'token has been expired or revoked',
    `Google refused the refresh token as expired or revoked (${DEAD_GRANT_CAUSES}); ${RECONNECT}`,
  ],
  // What Google answers for a token it no longer knows at all (revoked long ago, or not one of its tokens).
  ['bad request', `Google does not recognise the refresh token (revoked or invalid); ${RECONNECT}`],
  ['account has been deleted', `the Google account was deleted; ${RECONNECT} with another account`],
  ['malformed auth code', 'Google refused the authorization code as malformed; start the connect flow again'],
  [
    'invalid code verifier',
    "Google refused the authorization code: the PKCE verifier does not match the flow's challenge; start the connect flow again",
  ],
  [
    'missing code verifier',
    'Google refused the authorization code: the flow sent no PKCE verifier; start the connect flow again',
  ],
  [
    'code was already redeemed',
    'Google refused the authorization code: it was already redeemed; start the connect flow again',
  ],
];

/** The RAPT subtype: a Workspace admin requires the user to reauthenticate (session control). */
const INVALID_RAPT_REASON = `the user's Workspace admin requires them to sign in again (reauthentication policy); ${RECONNECT}`;

/** OAuth errors after which the request will not succeed again by itself, and whether the app is at fault. */
const PERMANENT_ERRORS: Readonly<Record<string, { appSide: boolean; reason: string }>> = {
  invalid_client: { appSide: true, reason: `Google does not accept the app's client id or secret; ${FIX_APP}` },
  unauthorized_client: { appSide: true, reason: `Google does not allow this OAuth client this grant; ${FIX_APP}` },
  deleted_client: { appSide: true, reason: `the Google OAuth client was deleted; ${FIX_APP}` },
  disabled_client: { appSide: true, reason: `the Google OAuth client is disabled; ${FIX_APP}` },
  redirect_uri_mismatch: {
    appSide: true,
    reason: `the callback URL is not an authorized redirect URI of the Google OAuth client; ${FIX_APP}`,
  },
  admin_policy_enforced: {
    appSide: false,
    reason: `a Workspace admin policy does not allow this app the requested Drive scope; ${RECONNECT} once the admin allows it`,
  },
  invalid_scope: { appSide: false, reason: `Google refused the requested scopes (invalid_scope); ${RECONNECT}` },
  invalid_request: {
    appSide: false,
    reason: `Google refused the token request as invalid (invalid_request); ${RECONNECT}`,
  },
  unsupported_grant_type: {
    appSide: true,
    reason: `Google refused the grant type (unsupported_grant_type); ${FIX_APP}`,
  },
};

export function classifyGoogleTokenFailure(answer: FailedAnswer): OAuthFailure {
  const { status } = answer;
  if (status === undefined) return transient('the Google token endpoint did not answer', undefined);
  const retryAfterMs = parseRetryAfterMs(answer.retryAfter);
  if (status === 429 || status === 408 || status >= 500) {
    return transient(`the Google token endpoint answered ${status}`, retryAfterMs);
  }
  const parsed = googleTokenErrorSchema.safeParse(answer.body);
  if (!parsed.success) {
    // A 4xx without an OAuth error body (a proxy, a gateway page): nothing says the grant is dead.
    return transient(`the Google token endpoint answered ${status} without an OAuth error`, retryAfterMs);
  }
  const { error } = parsed.data;
  if (error === 'invalid_grant') {
    return { kind: 'permanent', error, code: undefined, reason: invalidGrantReason(parsed.data), appSide: false };
  }
  const known = PERMANENT_ERRORS[error];
  // Anything else (temporarily_unavailable, server_error, a new code) may pass: RFC 6749 §5.2 lists
  // the permanent ones, and an unknown code is not proof that a grant died.
  if (!known) return transient(`the Google token endpoint answered ${status} (${safeCode(error)})`, retryAfterMs);
  return { kind: 'permanent', error, code: undefined, reason: known.reason, appSide: known.appSide };
}

function invalidGrantReason(body: z.infer<typeof googleTokenErrorSchema>): string {
  const description = (body.error_description ?? '').trim().toLowerCase().replace(/\.$/, '');
  if (body.error_subtype === 'invalid_rapt' || description.includes('invalid_rapt')) return INVALID_RAPT_REASON;
  const known = INVALID_GRANT_REASONS.find(([text]) => text === description);
  return known?.[1] ?? `Google refused the grant (invalid_grant: ${DEAD_GRANT_CAUSES}); ${RECONNECT}`;
}

/** An error code is echoed only when it looks like one (RFC 6749 §5.2: a short ASCII word). */
function safeCode(error: string): string {
  return /^[a-z_]{1,64}$/.test(error) ? error : 'an unrecognised error';
}

function transient(reason: string, retryAfterMs: number | undefined): OAuthFailure {
  return { kind: 'transient', reason, retryAfterMs };
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds. */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (!value || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
