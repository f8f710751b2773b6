// Google's OAuth 2.0 endpoints for web server applications
// (https://developers.google.com/identity/protocols/oauth2/web-server): the authorization endpoint
// (here `/o/oauth2/v2/auth`, which signs in the sandbox's default user and consents at once), the
// token endpoint (`/token`) and the revocation endpoint (`/revoke`).
import type { SandboxRequest, SandboxResponse } from '../http/sandbox-http.js';
import { DRIVE_READONLY_SCOPE, DRIVE_SCOPE, type OAuthState } from './oauth-state.js';

export interface OAuthRouteContext {
  oauth: OAuthState;
  /** Who signs in at the authorization endpoint. */
  signedInUserId: () => string;
}

const KNOWN_SCOPES = new Set([DRIVE_READONLY_SCOPE, DRIVE_SCOPE, 'openid', 'email', 'profile']);

function tokenJson(status: number, body: unknown): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache, no-store, max-age=0' },
    body: JSON.stringify(body),
  };
}

/** Google shows an error page, not a redirect, when the client or redirect URI cannot be trusted. */
function errorPage(error: string, detail: string): SandboxResponse {
  return {
    status: 400,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><title>Error 400: ${error}</title><h1>Access blocked</h1><p>Error 400: ${error}</p><p>${detail}</p>`,
  };
}

export function authorize(context: OAuthRouteContext, request: SandboxRequest): SandboxResponse {
  const params = request.url.searchParams;
  const client = context.oauth.clients.get(params.get('client_id') ?? '');
  if (!client) return errorPage('invalid_client', 'The OAuth client was not found.');
  const redirectUri = params.get('redirect_uri') ?? '';
  // The redirect URI must match one registered for the client exactly.
  if (!client.redirectUris.includes(redirectUri)) {
    return errorPage(
      'redirect_uri_mismatch',
      "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy.",
    );
  }
  const back = new URL(redirectUri);
  const state = params.get('state');
  const refuse = (error: string): SandboxResponse => {
    back.searchParams.set('error', error);
    if (state !== null) back.searchParams.set('state', state);
    return { status: 302, headers: { location: back.href } };
  };
  if (params.get('response_type') !== 'code') return refuse('unsupported_response_type');
  const scopes = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
  if (scopes.length === 0 || scopes.some((scope) => !KNOWN_SCOPES.has(scope))) return refuse('invalid_scope');
  const challenge = params.get('code_challenge') ?? undefined;
  const method = params.get('code_challenge_method');
  if (challenge !== undefined && method !== 'S256' && method !== 'plain') return refuse('invalid_request');
  if (challenge !== undefined && method === 'plain') return refuse('invalid_request'); // the sandbox insists on S256
  const accessType = params.get('access_type') ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') return refuse('invalid_request');
  const code = context.oauth.issueCode({
    clientId: client.clientId,
    userId: context.signedInUserId(),
    redirectUri,
    scopes,
    codeChallenge: challenge,
    offline: accessType === 'offline',
  });
  back.searchParams.set('code', code);
  back.searchParams.set('scope', scopes.join(' '));
  if (state !== null) back.searchParams.set('state', state);
  return { status: 302, headers: { location: back.href } };
}

export function token(context: OAuthRouteContext, request: SandboxRequest): SandboxResponse {
  if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return tokenJson(400, { error: 'invalid_request', error_description: 'Invalid content type' });
  }
  const params = new URLSearchParams(request.body.toString('utf8'));
  // Client authentication: client_secret in the body, or HTTP Basic.
  let clientId = params.get('client_id') ?? '';
  let secret = params.get('client_secret') ?? '';
  const basic = /^Basic (.+)$/.exec(String(request.headers.authorization ?? ''));
  if (basic) {
    const [id, pass] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    clientId = decodeURIComponent(id ?? '');
    secret = decodeURIComponent(pass ?? '');
  }
  const client = context.oauth.clients.get(clientId);
  if (!client || client.clientSecret !== secret) {
    return tokenJson(401, { error: 'invalid_client', error_description: 'Unauthorized' });
  }
  const grantType = params.get('grant_type');
  const answer =
    grantType === 'authorization_code'
      ? context.oauth.redeemCode(params, clientId)
      : grantType === 'refresh_token'
        ? context.oauth.refresh(params, clientId)
        : ({ ok: false, status: 400, error: 'unsupported_grant_type', description: 'Invalid grant_type: ' } as const);
  if (answer.ok) return tokenJson(200, answer.body);
  return tokenJson(answer.status, { error: answer.error, error_description: answer.description });
}

/** "If the revocation is successfully processed, then the HTTP status code of the response is 200. For error conditions, an HTTP status code 400 is returned along with an error code." */
export function revoke(context: OAuthRouteContext, request: SandboxRequest): SandboxResponse {
  const form = new URLSearchParams(request.body.toString('utf8'));
  const value = form.get('token') ?? request.url.searchParams.get('token') ?? '';
  if (!context.oauth.revoke(value)) {
    return tokenJson(400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
  }
  return tokenJson(200, {});
}
