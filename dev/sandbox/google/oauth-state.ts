// Google's OAuth 2.0 server for web server applications, as documented in
// https://developers.google.com/identity/protocols/oauth2/web-server: authorization codes bound to
// the redirect URI and the PKCE challenge, refresh tokens that do not rotate, one-hour access tokens,
// and the causes of `invalid_grant` listed in
// https://developers.google.com/identity/protocols/oauth2#expiration.
import { createHash, randomBytes } from 'node:crypto';
import type { SandboxClock } from '../state/sandbox-clock.js';

/** Why a refresh token stopped working (each one answers `invalid_grant`). */
export const GRANT_END_REASONS = ['revoked', 'expired_inactive', 'testing_app_7_days', 'token_limit'] as const;
export type GrantEndReason = (typeof GRANT_END_REASONS)[number];

export const DRIVE_READONLY_SCOPE = 'https://www.googleapis.com/auth/drive.readonly';
export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';
/** "A refresh token might stop working … The user has not used the refresh token for six months." */
export const INACTIVITY_LIMIT_MS = 183 * 24 * 60 * 60 * 1000;
const ACCESS_TOKEN_SECONDS = 3599;
const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface OAuthClientRegistration {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

interface PendingCode {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  offline: boolean;
  expiresAtMs: number;
}

export interface RefreshGrant {
  userId: string;
  clientId: string;
  scopes: string[];
  lastUsedMs: number;
  ended?: GrantEndReason;
}

export interface AccessGrant {
  userId: string;
  scopes: string[];
  expiresAtMs: number;
  refreshToken?: string;
}

export type TokenAnswer =
  { ok: true; body: Record<string, unknown> } | { ok: false; status: number; error: string; description: string };

export class OAuthState {
  readonly clients = new Map<string, OAuthClientRegistration>();
  private readonly codes = new Map<string, PendingCode>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly accessTokens = new Map<string, AccessGrant>();
  /** Every token endpoint answer, for tests that count refreshes: grant type and outcome only. */
  readonly tokenLog: { grantType: string; outcome: string }[] = [];

  constructor(private readonly clock: SandboxClock) {}

  registerClient(redirectUris: string[] = []): OAuthClientRegistration {
    const client = {
      clientId: `${randomBytes(6).toString('hex')}.apps.googleusercontent.com`,
      clientSecret: `GOCSPX-${randomBytes(18).toString('base64url')}`,
      redirectUris,
    };
    this.clients.set(client.clientId, client);
    return client;
  }

  issueCode(input: Omit<PendingCode, 'expiresAtMs'>): string {
    const code = `4/${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, { ...input, expiresAtMs: this.clock.now() + CODE_LIFETIME_MS });
    return code;
  }

  issueRefreshToken(userId: string, clientId: string, scopes: string[]): string {
    const token = `1//${randomBytes(32).toString('base64url')}`;
    this.refreshTokens.set(token, { userId, clientId, scopes, lastUsedMs: this.clock.now() });
    return token;
  }

  /** grant_type=authorization_code: single use, same redirect_uri, and the PKCE verifier (RFC 7636 S256). */
  redeemCode(params: URLSearchParams, clientId: string): TokenAnswer {
    const code = params.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending || pending.clientId !== clientId || pending.expiresAtMs < this.clock.now()) {
      return this.refuse('authorization_code', 400, 'invalid_grant', 'Malformed auth code.');
    }
    if (params.get('redirect_uri') !== pending.redirectUri) {
      return this.refuse('authorization_code', 400, 'redirect_uri_mismatch', 'Bad Request');
    }
    if (pending.codeChallenge !== undefined) {
      const verifier = params.get('code_verifier');
      if (!verifier)
        return this.refuse('authorization_code', 400, 'invalid_request', 'code_verifier or verifier is not set.');
      if (createHash('sha256').update(verifier).digest('base64url') !== pending.codeChallenge) {
        return this.refuse('authorization_code', 400, 'invalid_grant', 'Invalid code verifier.');
      }
    }
    // A refresh token only for offline access (https://developers.google.com/identity/protocols/oauth2/web-server#offline).
    const refreshToken = pending.offline ? this.issueRefreshToken(pending.userId, clientId, pending.scopes) : undefined;
    this.tokenLog.push({ grantType: 'authorization_code', outcome: 'ok' });
    return { ok: true, body: this.accessTokenBody(pending.userId, pending.scopes, refreshToken, true) };
  }

  /** grant_type=refresh_token: no rotation, so the answer carries no refresh_token. */
  refresh(params: URLSearchParams, clientId: string): TokenAnswer {
    const token = params.get('refresh_token') ?? '';
    const grant = this.refreshTokens.get(token);
    if (!grant || grant.clientId !== clientId) {
      return this.refuse('refresh_token', 400, 'invalid_grant', 'Bad Request');
    }
    if (!grant.ended && this.clock.now() - grant.lastUsedMs > INACTIVITY_LIMIT_MS) grant.ended = 'expired_inactive';
    if (grant.ended) return this.refuse('refresh_token', 400, 'invalid_grant', DEAD_GRANT_DESCRIPTION);
    grant.lastUsedMs = this.clock.now();
    this.tokenLog.push({ grantType: 'refresh_token', outcome: 'ok' });
    return { ok: true, body: this.accessTokenBody(grant.userId, grant.scopes, token, false) };
  }

  /** https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke */
  revoke(token: string): boolean {
    const refresh = this.refreshTokens.get(token);
    if (refresh && !refresh.ended) {
      refresh.ended = 'revoked';
      for (const [value, access] of this.accessTokens)
        if (access.refreshToken === token) this.accessTokens.delete(value);
      return true;
    }
    return this.accessTokens.delete(token);
  }

  endGrant(refreshToken: string, reason: GrantEndReason): void {
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant) throw new Error('unknown refresh token');
    grant.ended = reason;
    for (const [value, access] of this.accessTokens)
      if (access.refreshToken === refreshToken) this.accessTokens.delete(value);
  }

  /** The grant behind a bearer token, or undefined when it is unknown, expired or revoked. */
  verifyAccessToken(token: string): AccessGrant | undefined {
    const grant = this.accessTokens.get(token);
    if (!grant || grant.expiresAtMs <= this.clock.now()) return undefined;
    return grant;
  }

  private accessTokenBody(userId: string, scopes: string[], refreshToken: string | undefined, includeRefresh: boolean) {
    const accessToken = `ya29.${randomBytes(32).toString('base64url')}`;
    this.accessTokens.set(accessToken, {
      userId,
      scopes,
      expiresAtMs: this.clock.now() + ACCESS_TOKEN_SECONDS * 1000,
      refreshToken,
    });
    return {
      access_token: accessToken,
      expires_in: ACCESS_TOKEN_SECONDS,
      scope: scopes.join(' '),
      token_type: 'Bearer',
      ...(includeRefresh && refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }

  private refuse(grantType: string, status: number, error: string, description: string): TokenAnswer {
    this.tokenLog.push({ grantType, outcome: error });
    return { ok: false, status, error, description };
  }
}

/**
 * Google answers every dead refresh token with `invalid_grant` and this description, whatever the
 * cause (revoked, six months unused, a testing-mode app's 7-day limit, too many live tokens): the
 * cause is not on the wire, so the sandbox does not invent one.
 */
const DEAD_GRANT_DESCRIPTION = 'Token has been expired or revoked.';
