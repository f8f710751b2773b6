// The simulated identity platform (docs/graph-behaviour.md §6): app registrations, consented grants,
// authorization codes, rotating refresh tokens and opaque access tokens, all on the sandbox clock.
// Tokens are looked up by value; the token log refers to refresh tokens by opaque ids ("rt-7")
// so tests can check rotation without ever seeing a token in a log.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SandboxClock } from '../state/sandbox-clock.js';
import type { SandboxSettings } from '../state/sandbox-settings.js';
import type { SeededRandom } from '../state/seeded-random.js';
import type { IdentitySnapshot } from './identity-snapshot.js';

export interface ClientRegistration {
  clientId: string;
  /** Absent for public clients, which must not send one (AADSTS700025). */
  clientSecret: string | undefined;
  displayName: string;
  /**
   * The app registration's redirect URIs: /authorize sends a code only to one of these, exactly as
   * written (AADSTS50011 otherwise). Empty: AADSTS500113, no reply address registered.
   */
  redirectUris: string[];
}

export interface Grant {
  id: string;
  userId: string;
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

export interface RefreshTokenRecord {
  id: string;
  grantId: string;
  issuedAt: number;
  /** Sliding inactivity window: each refresh token expires on its own, 90 days after issue. */
  expiresAt: number;
}

export interface AccessTokenRecord {
  /** null for app-only (client_credentials) tokens. */
  userId: string | null;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  /** Revoked before its expiry, as continuous access evaluation does on a critical event. */
  revoked: boolean;
}

export interface AuthorizationCode {
  grantId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  expiresAt: number;
  redeemed: boolean;
}

export interface TokenLogEntry {
  time: number;
  grantType: string;
  clientId: string;
  userId: string | null;
  /** Opaque ids, never token values. */
  presentedRefreshTokenId: string | null;
  issuedRefreshTokenId: string | null;
  /** "ok", or the error and AADSTS code answered, e.g. "invalid_grant AADSTS700082". */
  outcome: string;
}

export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string | undefined;
  refreshTokenId: string | undefined;
  scopes: string[];
}

/** Authorization codes live 10 minutes on the identity platform. */
const AUTHORIZATION_CODE_LIFETIME_MS = 10 * 60 * 1000;

/** Scopes that shape the sign-in rather than grant resource access. */
export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

export class IdentityState {
  readonly clients = new Map<string, ClientRegistration>();
  private readonly grants = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private tokenLogEntries: TokenLogEntry[] = [];
  private nextRefreshTokenNumber = 1;

  constructor(
    private readonly clock: SandboxClock,
    private readonly settings: () => SandboxSettings,
    private readonly random: SeededRandom,
  ) {}

  reset(): void {
    this.grants.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.codes.clear();
    this.tokenLogEntries = [];
  }

  registerClient(input: {
    clientId?: string;
    confidential: boolean;
    displayName?: string;
    redirectUris?: string[];
  }): ClientRegistration {
    const client: ClientRegistration = {
      clientId: input.clientId ?? randomUUID(),
      clientSecret: input.confidential ? `sbx~${randomBytes(24).toString('base64url')}` : undefined,
      displayName: input.displayName ?? 'sandbox app',
      redirectUris: [...new Set(input.redirectUris ?? [])],
    };
    this.clients.set(client.clientId, client);
    return client;
  }

  /** A grant as if the user had consented; reuses the user's existing live grant for the client. */
  consent(userId: string, clientId: string, scopes: string[]): Grant {
    for (const grant of this.grants.values()) {
      if (grant.userId === userId && grant.clientId === clientId && !grant.revoked) {
        grant.scopes = [...new Set([...grant.scopes, ...scopes])];
        return grant;
      }
    }
    const grant: Grant = { id: randomUUID(), userId, clientId, scopes: [...new Set(scopes)], revoked: false };
    this.grants.set(grant.id, grant);
    return grant;
  }

  /** Revokes every grant of the user (as a password change would): their refresh tokens answer AADSTS50173. */
  revokeGrants(userId: string): number {
    let count = 0;
    for (const grant of this.grants.values()) {
      if (grant.userId === userId && !grant.revoked) {
        grant.revoked = true;
        count++;
      }
    }
    return count;
  }

  /**
   * Revokes the user's access tokens before they expire, as continuous access evaluation does when
   * a critical event (password change, sessions revoked, account disabled) reaches Graph:
   * https://learn.microsoft.com/entra/identity/conditional-access/concept-continuous-access-evaluation
   * Graph then answers 401 InvalidAuthenticationToken to them (graph-routes.ts authenticate()).
   */
  revokeAccessTokens(userId: string): number {
    let count = 0;
    for (const record of this.accessTokens.values()) {
      if (record.userId === userId && !record.revoked) {
        record.revoked = true;
        count++;
      }
    }
    return count;
  }

  grant(grantId: string): Grant | undefined {
    return this.grants.get(grantId);
  }

  issueCode(grant: Grant, redirectUri: string, codeChallenge: string, scopes: string[]): string {
    const code = `sbx-code.${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, {
      grantId: grant.id,
      redirectUri,
      codeChallenge,
      scopes,
      expiresAt: this.clock.now() + AUTHORIZATION_CODE_LIFETIME_MS,
      redeemed: false,
    });
    return code;
  }

  code(value: string): AuthorizationCode | undefined {
    return this.codes.get(value);
  }

  refreshToken(value: string): RefreshTokenRecord | undefined {
    return this.refreshTokens.get(value);
  }

  accessToken(value: string): AccessTokenRecord | undefined {
    return this.accessTokens.get(value);
  }

  /** Issues an access token and, for grants that include offline_access, a new refresh token. */
  issueForGrant(grant: Grant, scopes: string[]): IssuedTokens {
    const access = this.issueAccessToken(grant.userId, grant.clientId, scopes);
    if (!grant.scopes.includes('offline_access')) {
      return { ...access, refreshToken: undefined, refreshTokenId: undefined, scopes };
    }
    const refreshToken = `sbx-rt.${randomBytes(32).toString('base64url')}`;
    const now = this.clock.now();
    const record: RefreshTokenRecord = {
      id: `rt-${this.nextRefreshTokenNumber++}`,
      grantId: grant.id,
      issuedAt: now,
      expiresAt: now + this.settings().refreshTokenInactivityMs,
    };
    this.refreshTokens.set(refreshToken, record);
    return { ...access, refreshToken, refreshTokenId: record.id, scopes };
  }

  issueAppToken(clientId: string): IssuedTokens {
    const scopes = ['https://graph.microsoft.com/.default'];
    return {
      ...this.issueAccessToken(null, clientId, scopes),
      refreshToken: undefined,
      refreshTokenId: undefined,
      scopes,
    };
  }

  /** Everything but the token log, for the state file of a persisted sandbox (identity-snapshot.ts). */
  snapshot(): IdentitySnapshot {
    return {
      clients: [...this.clients.values()].map((client) => ({ ...client, clientSecret: client.clientSecret ?? null })),
      grants: [...this.grants.values()],
      refreshTokens: [...this.refreshTokens],
      accessTokens: [...this.accessTokens],
      codes: [...this.codes],
      nextRefreshTokenNumber: this.nextRefreshTokenNumber,
    };
  }

  restore(snapshot: IdentitySnapshot): void {
    this.reset();
    this.clients.clear();
    for (const client of snapshot.clients) {
      this.clients.set(client.clientId, { ...client, clientSecret: client.clientSecret ?? undefined });
    }
    for (const grant of snapshot.grants) this.grants.set(grant.id, grant);
    for (const [value, record] of snapshot.refreshTokens) this.refreshTokens.set(value, record);
    for (const [value, record] of snapshot.accessTokens) this.accessTokens.set(value, record);
    for (const [value, code] of snapshot.codes) this.codes.set(value, code);
    this.nextRefreshTokenNumber = snapshot.nextRefreshTokenNumber;
  }

  logToken(entry: Omit<TokenLogEntry, 'time'>): void {
    this.tokenLogEntries.push({ time: this.clock.now(), ...entry });
  }

  tokenLog(): TokenLogEntry[] {
    return this.tokenLogEntries.slice();
  }

  private issueAccessToken(
    userId: string | null,
    clientId: string,
    scopes: string[],
  ): { accessToken: string; expiresIn: number } {
    const { accessTokenMinLifetimeSeconds, accessTokenMaxLifetimeSeconds } = this.settings();
    const expiresIn = this.random.int(
      accessTokenMinLifetimeSeconds,
      Math.max(accessTokenMinLifetimeSeconds, accessTokenMaxLifetimeSeconds),
    );
    const accessToken = `sbx-at.${randomBytes(32).toString('base64url')}`;
    this.accessTokens.set(accessToken, {
      userId,
      clientId,
      scopes,
      expiresAt: this.clock.now() + expiresIn * 1000,
      revoked: false,
    });
    return { accessToken, expiresIn };
  }
}

/** PKCE S256: BASE64URL(SHA256(code_verifier)) must equal the code_challenge (RFC 7636 §4.6). */
export function pkceChallengeFor(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
