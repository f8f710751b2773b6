// The one test-only TokenManager for engine, provider and bench runs: real access tokens from the
// sandbox's token endpoint, either app-only (client_credentials, asked for on every call) or
// delegated (a refresh token from control.issueRefreshToken, rotated on every refresh as the
// identity platform does, the access token cached until a minute before it expires). One grant
// for every source; no storage, no single-flight: the product's token manager is
// shared/core/tokens/refreshing-token-manager.ts and has its own tests.
import { z } from 'zod';
import type { Sandbox } from '../../dev/sandbox/sandbox.js';
import type { SourceKey } from '../../shared/core/domain/source.js';
import type { StoredGrantInput, TokenManager } from '../../shared/core/ports/provider-ports.js';

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number(),
  refresh_token: z.string().optional(),
});

/** The token endpoint and confidential client of a sandbox (in process or a child process). */
export type SandboxIdentity = Pick<Sandbox, 'authorityHost' | 'tenantId' | 'clientId' | 'clientSecret'>;

export class SandboxTokenManager implements TokenManager {
  /** How many access tokens were requested from this manager (the provider asks once per request). */
  calls = 0;
  private cached: { token: string; expiresAt: number } | undefined;

  private constructor(
    private readonly identity: SandboxIdentity,
    private refreshToken: string | undefined,
    private readonly caches: boolean,
  ) {}

  /**
   * App-only tokens, a new one on every call: a test that moves the sandbox's clock past a token's
   * lifetime never meets a token cached by the wall clock.
   */
  static appOnly(identity: SandboxIdentity): SandboxTokenManager {
    return new SandboxTokenManager(identity, undefined, false);
  }

  static delegated(identity: SandboxIdentity, refreshToken: string): SandboxTokenManager {
    return new SandboxTokenManager(identity, refreshToken, true);
  }

  async getAccessToken(_source: SourceKey): Promise<string> {
    this.calls += 1;
    if (this.cached && this.cached.expiresAt > Date.now() + 60_000) return this.cached.token;
    const form = new URLSearchParams({ client_id: this.identity.clientId, client_secret: this.identity.clientSecret });
    if (this.refreshToken === undefined) {
      form.set('grant_type', 'client_credentials');
      form.set('scope', 'https://graph.microsoft.com/.default');
    } else {
      form.set('grant_type', 'refresh_token');
      form.set('refresh_token', this.refreshToken);
      form.set('scope', 'Files.Read.All offline_access');
    }
    const response = await fetch(`${this.identity.authorityHost}/${this.identity.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    if (!response.ok) throw new Error(`sandbox token endpoint answered ${response.status}`);
    const body = tokenResponseSchema.parse(await response.json());
    if (body.refresh_token !== undefined) this.refreshToken = body.refresh_token;
    if (this.caches) this.cached = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    return body.access_token;
  }

  invalidateAccessToken(_source: SourceKey, accessToken: string): Promise<void> {
    if (this.cached?.token === accessToken) this.cached = undefined;
    return Promise.resolve();
  }

  storeGrant(_source: SourceKey, _grant: StoredGrantInput): Promise<void> {
    return Promise.resolve();
  }

  revoke(_source: SourceKey): Promise<void> {
    return Promise.resolve();
  }
}

/** A TokenManager whose first `badTokens` answers are tokens Graph does not know, then real ones. */
export class FlakyTokenManager implements TokenManager {
  constructor(
    private readonly inner: TokenManager,
    private badTokens: number,
  ) {}

  getAccessToken(source: SourceKey): Promise<string> {
    if (this.badTokens > 0) {
      this.badTokens -= 1;
      return Promise.resolve('not.a.valid-token');
    }
    return this.inner.getAccessToken(source);
  }

  invalidateAccessToken(source: SourceKey, accessToken: string): Promise<void> {
    return this.inner.invalidateAccessToken(source, accessToken);
  }

  storeGrant(source: SourceKey, grant: StoredGrantInput): Promise<void> {
    return this.inner.storeGrant(source, grant);
  }

  revoke(source: SourceKey): Promise<void> {
    return this.inner.revoke(source);
  }
}
