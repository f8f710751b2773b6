// The identity platform's endpoints (docs/graph-behaviour.md §6): /{tenant}/oauth2/v2.0/authorize
// (authorization code with PKCE S256 to a registered redirect URI; a sign-in and consent page for a
// browser, an instant answer for programs) and
// /{tenant}/oauth2/v2.0/token (authorization_code, refresh_token, client_credentials).
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { SandboxClock } from '../state/sandbox-clock.js';
import type { SandboxSettings } from '../state/sandbox-settings.js';
import type { TenantState } from '../state/tenant-state.js';
import { jsonResponse, type SandboxRequest, type SandboxResponse, type SandboxRouter } from '../http/sandbox-http.js';
import {
  identityError,
  missingParameter,
  unknownClient,
  unknownClientMessage,
  type IdentityErrorCode,
} from './identity-errors.js';
import { identityErrorPage, signInPage } from './sign-in-page.js';
import {
  OIDC_SCOPES,
  pkceChallengeFor,
  type ClientRegistration,
  type IdentityState,
  type IssuedTokens,
} from './identity-state.js';

export interface IdentityRouteDeps {
  identity: IdentityState;
  tenant: TenantState;
  clock: SandboxClock;
  settings: () => SandboxSettings;
  tenantId: string;
  defaultUserId: () => string;
}

const authorizeQuerySchema = z.object({
  client_id: z.string().min(1),
  response_type: z.literal('code'),
  redirect_uri: z.string().url(),
  scope: z.string().min(1),
  state: z.string().optional(),
  code_challenge: z.string().min(43).max(128),
  // PKCE is required here and only S256 is accepted: the stricter reading (design: "PKCE S256").
  code_challenge_method: z.literal('S256'),
});

const tokenFormSchema = z.object({
  grant_type: z.string().min(1),
  client_id: z.string().min(1),
  client_secret: z.string().optional(),
  client_assertion: z.string().optional(),
  client_assertion_type: z.string().optional(),
  scope: z.string().optional(),
  code: z.string().optional(),
  redirect_uri: z.string().optional(),
  code_verifier: z.string().optional(),
  refresh_token: z.string().optional(),
});
type TokenForm = z.infer<typeof tokenFormSchema>;

const TENANT_PATH = '(?<tenant>[^/]+)';

export function registerIdentityRoutes(router: SandboxRouter, deps: IdentityRouteDeps): void {
  const authorizePath = new RegExp(`^/${TENANT_PATH}/oauth2/v2\\.0/authorize$`);
  router.add('GET', authorizePath, 'identity', (request, params) => authorize(deps, request, params.tenant!));
  router.add('POST', authorizePath, 'identity', (request, params) => authorize(deps, request, params.tenant!));
  router.add('POST', new RegExp(`^/${TENANT_PATH}/oauth2/v2\\.0/token$`), 'identity', (request, params) =>
    token(deps, request, params.tenant!),
  );
}

function knownTenant(deps: IdentityRouteDeps, tenant: string): boolean {
  return tenant === deps.tenantId || tenant === 'common' || tenant === 'organizations';
}

/** Resource scopes as granted: "https://graph.microsoft.com/Files.Read.All" is stored as "Files.Read.All". */
export function normalizeScopes(scope: string): string[] {
  return scope
    .split(/\s+/)
    .filter(Boolean)
    .map((value) => value.replace(/^https:\/\/graph\.microsoft\.com\//i, ''));
}

/** A browser asks for pages; programs (tests, fetch) get the instant answer (docs/sandbox.md). */
function wantsPage(deps: IdentityRouteDeps, request: SandboxRequest): boolean {
  return deps.settings().authorizePrompt === 'browser' && /\btext\/html\b/i.test(String(request.headers.accept ?? ''));
}

/**
 * GET shows the sign-in page to a browser, or answers at once (302 with a code, or with
 * error=access_denied under `authorizeDeny`); POST is the page's Allow/Deny. Both check the request
 * first; a redirect_uri that is not registered for the client gets an error page, never a redirect.
 */
function authorize(deps: IdentityRouteDeps, request: SandboxRequest, tenant: string): SandboxResponse {
  const params =
    request.method === 'POST' ? new URLSearchParams(request.body.toString('utf8')) : request.url.searchParams;
  const page = request.method === 'POST' || wantsPage(deps, request);
  const checked = checkAuthorizeRequest(deps, params, tenant, page);
  if ('status' in checked) return checked;
  const { query, client } = checked;
  const redirect = new URL(query.redirect_uri);
  if (query.state !== undefined) redirect.searchParams.set('state', query.state);
  const scopes = normalizeScopes(query.scope);
  const selectedUserId = deps.settings().authorizeUserId ?? deps.defaultUserId();

  if (request.method === 'GET' && page) {
    return signInPage({
      action: `${request.url.origin}${request.url.pathname}`,
      appName: client.displayName,
      params,
      users: [...deps.tenant.users.values()],
      selectedUserId,
      scopes,
    });
  }
  const decision =
    request.method === 'POST' ? params.get('decision') : deps.settings().authorizeDeny ? 'deny' : 'allow';
  if (decision !== 'allow') {
    redirect.searchParams.set('error', 'access_denied');
    redirect.searchParams.set('error_description', 'AADSTS65004: User declined to consent to access the app.');
    return { status: 302, headers: { location: redirect.toString() } };
  }
  const userId = (request.method === 'POST' ? params.get('login_user_id') : null) ?? selectedUserId;
  if (!deps.tenant.users.has(userId)) {
    return identityErrorPage(400, 50034, `The user account ${userId} does not exist in the directory.`);
  }
  const grant = deps.identity.consent(userId, client.clientId, scopes);
  redirect.searchParams.set('code', deps.identity.issueCode(grant, query.redirect_uri, query.code_challenge, scopes));
  return { status: 302, headers: { location: redirect.toString() }, userId };
}

function checkAuthorizeRequest(
  deps: IdentityRouteDeps,
  params: URLSearchParams,
  tenant: string,
  page: boolean,
): { query: z.infer<typeof authorizeQuerySchema>; client: ClientRegistration } | SandboxResponse {
  const now = deps.clock.now();
  const fail = (error: IdentityErrorCode, code: number, message: string): SandboxResponse => {
    const json = identityError(error, code, message, now);
    return page ? identityErrorPage(json.status, code, message) : json;
  };
  if (!knownTenant(deps, tenant)) return fail('invalid_request', 90002, `Tenant '${tenant}' not found.`);
  const parsed = authorizeQuerySchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    return fail('invalid_request', 900144, `The request is not valid: ${parsed.error.issues[0]?.path.join('.')}.`);
  }
  const query = parsed.data;
  const client = deps.identity.clients.get(query.client_id);
  if (!client) return fail('unauthorized_client', 700016, unknownClientMessage(query.client_id));
  if (client.redirectUris.length === 0) {
    return fail('invalid_request', 500113, 'No reply address is registered for the application.');
  }
  if (!client.redirectUris.includes(query.redirect_uri)) {
    return fail(
      'invalid_request',
      50011,
      `The redirect URI '${query.redirect_uri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    );
  }
  return { query, client };
}

function token(deps: IdentityRouteDeps, request: SandboxRequest, tenant: string): SandboxResponse {
  const now = deps.clock.now();
  if (!knownTenant(deps, tenant)) return identityError('invalid_request', 90002, `Tenant '${tenant}' not found.`, now);
  if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return missingParameter('grant_type', now);
  }
  const parsed = tokenFormSchema.safeParse(Object.fromEntries(new URLSearchParams(request.body.toString('utf8'))));
  if (!parsed.success) {
    return missingParameter(String(parsed.error.issues[0]?.path[0]), now);
  }
  const form = parsed.data;
  const log = {
    grantType: form.grant_type,
    clientId: form.client_id,
    userId: null as string | null,
    presentedRefreshTokenId: null as string | null,
    issuedRefreshTokenId: null as string | null,
  };
  const answer = (response: SandboxResponse): SandboxResponse => {
    const outcome = response.status === 200 ? 'ok' : describeError(response);
    deps.identity.logToken({ ...log, outcome });
    return response;
  };

  const clientCheck = authenticateClient(deps, form, now);
  if ('status' in clientCheck) return answer(clientCheck);
  const client = clientCheck;

  switch (form.grant_type) {
    case 'authorization_code':
      return answer(redeemCode(deps, form, client, now, log));
    case 'refresh_token':
      return answer(redeemRefreshToken(deps, form, client, now, log));
    case 'client_credentials': {
      if (!form.scope || !form.scope.split(/\s+/).every((scope) => scope.endsWith('/.default'))) {
        return answer(
          identityError(
            'invalid_scope',
            1002012,
            `The provided value for scope ${form.scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
            now,
          ),
        );
      }
      if (client.clientSecret === undefined) {
        return answer(
          identityError(
            'invalid_client',
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            now,
          ),
        );
      }
      return answer(tokenResponse(deps.identity.issueAppToken(client.clientId)));
    }
    default:
      return answer(
        identityError(
          'unsupported_grant_type',
          70003,
          `The app requested an unsupported grant type '${form.grant_type}'.`,
          now,
        ),
      );
  }
}

function authenticateClient(
  deps: IdentityRouteDeps,
  form: TokenForm,
  now: number,
): ClientRegistration | SandboxResponse {
  const client = deps.identity.clients.get(form.client_id);
  if (!client) {
    return unknownClient(form.client_id, now);
  }
  const presentsCredential = form.client_secret !== undefined || form.client_assertion !== undefined;
  if (client.clientSecret === undefined) {
    if (presentsCredential) {
      return identityError(
        'invalid_client',
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        now,
      );
    }
    return client;
  }
  if (form.client_secret === undefined) {
    // Assertions are not modelled: a confidential sandbox client authenticates with its secret.
    return identityError(
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      now,
    );
  }
  if (!sameSecret(form.client_secret, client.clientSecret)) {
    return identityError(
      'invalid_client',
      7000215,
      'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      now,
    );
  }
  return client;
}

type TokenLogDraft = {
  userId: string | null;
  presentedRefreshTokenId: string | null;
  issuedRefreshTokenId: string | null;
};

function redeemCode(
  deps: IdentityRouteDeps,
  form: TokenForm,
  client: ClientRegistration,
  now: number,
  log: TokenLogDraft,
): SandboxResponse {
  if (!form.code || !form.redirect_uri || !form.code_verifier) {
    const missing = !form.code ? 'code' : !form.redirect_uri ? 'redirect_uri' : 'code_verifier';
    return missingParameter(missing, now);
  }
  const code = deps.identity.code(form.code);
  const grant = code ? deps.identity.grant(code.grantId) : undefined;
  if (!code || !grant || grant.clientId !== client.clientId) {
    return identityError('invalid_grant', 70000, "The provided value for the 'code' parameter is not valid.", now);
  }
  log.userId = grant.userId;
  if (code.redeemed)
    return identityError(
      'invalid_grant',
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
      now,
    );
  if (code.expiresAt <= now)
    return identityError(
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity.',
      now,
    );
  if (code.redirectUri !== form.redirect_uri) {
    return identityError(
      'invalid_grant',
      50011,
      'The redirect URI specified in the request does not match the redirect URI used to obtain the authorization code.',
      now,
    );
  }
  if (pkceChallengeFor(form.code_verifier) !== code.codeChallenge) {
    return identityError(
      'invalid_grant',
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      now,
    );
  }
  if (grant.revoked) return revokedGrant(now);
  code.redeemed = true;
  const issued = deps.identity.issueForGrant(grant, code.scopes);
  log.issuedRefreshTokenId = issued.refreshTokenId ?? null;
  return tokenResponse(issued);
}

function redeemRefreshToken(
  deps: IdentityRouteDeps,
  form: TokenForm,
  client: ClientRegistration,
  now: number,
  log: TokenLogDraft,
): SandboxResponse {
  if (!form.refresh_token) {
    return missingParameter('refresh_token', now);
  }
  const record = deps.identity.refreshToken(form.refresh_token);
  const grant = record ? deps.identity.grant(record.grantId) : undefined;
  if (!record || !grant || grant.clientId !== client.clientId) {
    return identityError('invalid_grant', 70000, 'Provided grant is invalid or malformed.', now);
  }
  log.userId = grant.userId;
  log.presentedRefreshTokenId = record.id;
  if (grant.revoked) return revokedGrant(now);
  if (record.expiresAt <= now) {
    return identityError(
      'invalid_grant',
      700082,
      `The refresh token has expired due to inactivity. The token was issued on ${new Date(record.issuedAt).toISOString()} and was inactive for 90.00:00:00.`,
      now,
    );
  }
  let scopes = grant.scopes;
  if (form.scope) {
    const requested = normalizeScopes(form.scope).filter(
      (scope) => !OIDC_SCOPES.has(scope) && !scope.endsWith('.default'),
    );
    const missing = requested.filter((scope) => !grant.scopes.includes(scope));
    if (missing.length > 0) {
      return identityError(
        'invalid_grant',
        65001,
        `The user or administrator has not consented to use the application with ID '${client.clientId}'. Send an interactive authorization request for this user and resource.`,
        now,
      );
    }
    if (requested.length > 0) scopes = requested;
  }
  const issued = deps.identity.issueForGrant(grant, scopes);
  log.issuedRefreshTokenId = issued.refreshTokenId ?? null;
  return tokenResponse(issued);
}

function revokedGrant(now: number): SandboxResponse {
  return identityError(
    'invalid_grant',
    50173,
    'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
    now,
  );
}

function tokenResponse(issued: IssuedTokens): SandboxResponse {
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: issued.scopes.filter((scope) => scope !== 'offline_access').join(' '),
    expires_in: issued.expiresIn,
    ext_expires_in: issued.expiresIn,
    access_token: issued.accessToken,
  };
  if (issued.refreshToken) body.refresh_token = issued.refreshToken;
  return jsonResponse(200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
}

function describeError(response: SandboxResponse): string {
  try {
    const body = JSON.parse(String(response.body)) as { error?: string; error_codes?: number[] };
    return `${body.error ?? 'error'} AADSTS${body.error_codes?.[0] ?? ''}`;
  } catch {
    return `status ${response.status}`;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
