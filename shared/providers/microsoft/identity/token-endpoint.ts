// One request to the v2.0 token endpoint, as a plain form POST with a zod-parsed answer
// (docs/graph-behaviour.md §6). Not MSAL Node: MSAL keeps rotated refresh tokens in its own cache and
// never hands them out (acquireTokenByRefreshToken is meant for migration only), while we must
// store each rotated refresh token ourselves, durably, before using the new access token.
import { z } from 'zod';
import { classifyTokenFailure, type TokenFailure } from './token-error-classification.js';

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  // Some endpoints send numbers as strings.
  expires_in: z.coerce.number().int().positive(),
  scope: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export type TokenRequestOutcome = { kind: 'tokens'; tokens: TokenResponse } | TokenFailure;

export function tokenEndpointUrl(authorityHost: string, tenantId: string): string {
  return `${authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
}

export interface TokenRequestOptions {
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Never throws for HTTP or network failures: they come back classified. */
export async function requestTokens(
  url: string,
  form: Record<string, string>,
  options: TokenRequestOptions,
): Promise<TokenRequestOutcome> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  let body: unknown;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      body = undefined;
    }
  } catch {
    // Timeouts, resets, refused connections. The error object is dropped on purpose: undici's errors
    // can carry the request, whose body holds the refresh token and client credential.
    return classifyTokenFailure(undefined, undefined);
  }
  if (response.ok) {
    const parsed = tokenResponseSchema.safeParse(body);
    if (parsed.success) return { kind: 'tokens', tokens: parsed.data };
    return {
      kind: 'transient',
      reason: 'the token endpoint answered 200 with an unexpected body',
      retryAfterMs: undefined,
    };
  }
  return classifyTokenFailure(response.status, body, response.headers.get('retry-after'));
}
