// Turns a failed token request into "permanent" (the stored grant or the app's credential is unusable:
// a person must act) or "transient" (retry later). Codes and their meaning: docs/graph-behaviour.md §6 and
// Microsoft Entra "AADSTS error codes" (reference-error-codes.md). Reasons are readable, name the
// AADSTS code and never include the server's error_description (it can echo request details).
import { z } from 'zod';
import type { OAuthFailure } from '../../../core/ports/oauth-client.js';

/** The port's classification (core/ports/oauth-client.ts); `code` is the first AADSTS code of the answer. */
export type TokenFailure = OAuthFailure;

/** The documented error body of the v2.0 token endpoint; only the fields we branch on. */
export const tokenErrorBodySchema = z.object({
  error: z.string().min(1),
  error_codes: z.array(z.number().int()).optional(),
});

const RECONNECT = 'reconnect the source';
const FIX_APP =
  "fix the app registration's credential or consent, then reconnect the source if it stays in needs_reauth";

/** Readable reasons for the codes we know; anything else gets a generic reason with its code. */
const REASONS: Record<number, string> = {
  70000: `the stored grant is invalid or malformed (AADSTS70000); ${RECONNECT}`,
  70008: `the refresh token expired or was revoked (AADSTS70008); ${RECONNECT}`,
  700082: `the grant expired after 90 days without use (AADSTS700082); ${RECONNECT}`,
  700084: `the refresh token reached its fixed lifetime (AADSTS700084); ${RECONNECT}`,
  50173: `the user's grant was revoked (AADSTS50173), for example by a password change; ${RECONNECT}`,
  70043: `a sign-in frequency policy requires the user to sign in again (AADSTS70043); ${RECONNECT}`,
  50089: `the sign-in flow token expired (AADSTS50089); ${RECONNECT}`,
  65001: `the user or an administrator has not consented to the requested permissions (AADSTS65001); ${RECONNECT}`,
  50076: `multi-factor authentication is now required (AADSTS50076); ${RECONNECT}`,
  50079: `the user must register for multi-factor authentication (AADSTS50079); ${RECONNECT}`,
  50078: `the user's multi-factor authentication expired (AADSTS50078); ${RECONNECT}`,
  7000215: `the app's client secret is invalid (AADSTS7000215); ${FIX_APP}`,
  7000222: `the app's client secret has expired (AADSTS7000222); ${FIX_APP}`,
  700025: `the app is registered as a public client and must not send a credential (AADSTS700025); ${FIX_APP}`,
  7000218: `the app sent no client credential (AADSTS7000218); ${FIX_APP}`,
  700016: `the app is not registered in the tenant (AADSTS700016); ${FIX_APP}`,
  900144: `the token request was missing a parameter (AADSTS900144); ${RECONNECT}`,
  70011: `the requested scopes are invalid (AADSTS70011); ${RECONNECT}`,
};

/** OAuth errors that mean "the stored grant or the app credential will not work again by itself". */
const PERMANENT_ERRORS = new Set([
  'invalid_grant',
  'interaction_required',
  'consent_required',
  'login_required',
  'invalid_client',
  'unauthorized_client',
  'invalid_request',
  'invalid_scope',
  'unsupported_grant_type',
]);

const APP_SIDE_ERRORS = new Set(['invalid_client', 'unauthorized_client']);

/**
 * Classifies an HTTP answer that was not a success. `status` undefined means no answer at all
 * (timeout, reset, refused): always transient.
 */
export function classifyTokenFailure(
  status: number | undefined,
  body: unknown,
  retryAfterHeader?: string | null,
): TokenFailure {
  if (status === undefined) return transient('the token endpoint did not answer', undefined);
  const retryAfterMs = parseRetryAfter(retryAfterHeader);
  if (status === 429 || status === 408 || status >= 500) {
    return transient(`the token endpoint answered ${status}`, retryAfterMs);
  }
  const parsed = tokenErrorBodySchema.safeParse(body);
  if (!parsed.success) {
    // A 4xx without the documented body (a proxy, a gateway page): nothing says the grant is dead.
    return transient(`the token endpoint answered ${status} without an OAuth error`, retryAfterMs);
  }
  const { error } = parsed.data;
  const code = parsed.data.error_codes?.[0];
  // "temporarily_unavailable" and "server_error" are the OAuth 2.0 (RFC 6749 §5.2 / §4.1.2.1) ways
  // of saying "try again later", whatever the status.
  if (!PERMANENT_ERRORS.has(error)) return transient(`the token endpoint answered ${error}`, retryAfterMs);
  const codeText = code === undefined ? '' : `, AADSTS${code}`;
  return {
    kind: 'permanent',
    error,
    code,
    reason:
      (code !== undefined ? REASONS[code] : undefined) ??
      `the token endpoint refused the grant (${error}${codeText}); ${RECONNECT}`,
    appSide: APP_SIDE_ERRORS.has(error),
  };
}

function transient(reason: string, retryAfterMs: number | undefined): TokenFailure {
  return { kind: 'transient', reason, retryAfterMs };
}

/** Retry-After in seconds (fractional allowed, docs/graph-behaviour.md §5) or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
