// The OAuth client port: everything provider-specific about getting tokens for a source type. The
// refreshing token manager (core/tokens/refreshing-token-manager.ts) and the connect flow
// (core/connect) use only this; `shared/providers/<provider>/` implements it (docs/tokens.md).
import type { z } from 'zod';
import type { SourceType } from '../domain/source.js';

/**
 * The provider's own fields of a stored grant, beside the neutral ones (stored-grant.ts). Opaque to
 * core: only the client that wrote them reads them.
 */
export type ProviderGrantFields = Readonly<Record<string, unknown>>;

export interface AuthorizeRequest {
  /** The callback URL registered with the provider. */
  redirectUri: string;
  /** The signed OAuth `state` of the flow. */
  state: string;
  /** PKCE S256 challenge of the flow's verifier (RFC 7636). */
  codeChallenge: string;
}

export interface AuthorizationCode {
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

/** A successful answer of the provider's token endpoint. */
export interface IssuedTokens {
  accessToken: string;
  expiresInSeconds: number;
  /** A refresh token: after a code exchange, or a rotated one after a refresh. */
  refreshToken?: string;
}

/**
 * A failed token request, classified. Reasons are readable and secret-free: they reach the host (the
 * source's status) and the logs, so they never quote a token, a credential or the server's free text.
 */
export type OAuthFailure =
  | {
      /** The grant or the app's credential will not work again by itself: a person must act. */
      kind: 'permanent';
      /** OAuth error, e.g. "invalid_grant". */
      error: string;
      /** The provider's numeric error code, when its answer had one. */
      code: number | undefined;
      reason: string;
      /**
       * True when the cause is the app's own registration or credential: an administrator can fix it
       * without the user, so an occasional probe is worth it. False when the grant itself is dead.
       */
      appSide: boolean;
    }
  | { kind: 'transient'; reason: string; retryAfterMs: number | undefined };

/** Never a thrown error for HTTP or network failures: they come back classified. */
export type TokenOutcome = { kind: 'tokens'; tokens: IssuedTokens } | OAuthFailure;

/** What a refresh needs: the stored refresh token, its scopes and the provider's own fields. */
export interface RefreshRequest {
  refreshToken: string;
  scopes: readonly string[];
  fields: ProviderGrantFields;
}

/** A new grant's provider part, as the client validated it from the caller's input. */
export interface NewGrant {
  /** Scopes to store; undefined keeps the caller's (or none). */
  scopes?: string[];
  fields: ProviderGrantFields;
}

/** App-only access (the app's own credential, no user and no refresh token), for providers that have it. */
export interface AppOnlyAccess {
  /** Validates the input of an app-only grant; throws an Error with a readable message when unusable. */
  newGrant(input: ProviderGrantFields): NewGrant;
  requestToken(grant: { scopes: readonly string[]; fields: ProviderGrantFields }): Promise<TokenOutcome>;
}

/** How long a refresh token survives without use; the manager's keep-alive refreshes before that. */
export interface InactivityRule {
  maxIdleMs: number;
}

export interface OAuthClient {
  /**
   * Names the client in the grants it serves (stored-grant.ts `client`), so a refresh goes to the client
   * that issued the grant whatever source types share it, e.g. "microsoft".
   */
  readonly name: string;
  /** The provider's authorize URL for the connect flow: code flow with PKCE S256, the client's scopes. */
  authorizeUrl(request: AuthorizeRequest): string;
  /** Redeems an authorization code (single-use: no retry). */
  exchangeCode(code: AuthorizationCode): Promise<TokenOutcome>;
  refresh(request: RefreshRequest): Promise<TokenOutcome>;
  /**
   * Whether a refresh answer carries a new refresh token. With rotation the idle clock of a grant
   * restarts when a new refresh token arrives; without it, every successful refresh restarts it.
   */
  readonly refreshTokensRotate: boolean;
  /** Undefined: refresh tokens do not expire from disuse. */
  readonly inactivity: InactivityRule | undefined;
  /** The provider fields of a new delegated grant from the caller's input; throws a zod error on bad input. */
  newDelegatedGrant(input: ProviderGrantFields): NewGrant;
  /** The schema of the provider fields in a stored grant: a stored document that fails it is corrupt. */
  readonly grantFields: z.ZodType<ProviderGrantFields>;
  readonly appOnly?: AppOnlyAccess;
  /**
   * Revokes a refresh token at the provider, for providers that have a revoke endpoint (Google's
   * https://oauth2.googleapis.com/revoke). Absent: the grant can only be forgotten, and it lapses
   * unused. A token already invalid counts as revoked; other failures come back as `transient`.
   */
  revoke?(refreshToken: string): Promise<{ kind: 'revoked' } | Extract<OAuthFailure, { kind: 'transient' }>>;
}

/** Which OAuth client serves a source type (shared/app/oauth-clients.ts). */
export interface OAuthClientRegistry {
  get(type: SourceType): OAuthClient;
  /** The client a stored grant names; undefined when no client of that name is wired. */
  named(name: string): OAuthClient | undefined;
}
