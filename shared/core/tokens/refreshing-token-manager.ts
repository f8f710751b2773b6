// Access tokens for Microsoft sources (invariant 4):
// - an access token is reused until `refreshMarginMs` before it expires (in memory, and through the
//   stored grant document so other instances can reuse it too);
// - a refresh is single-flight per source: one promise per source inside the process, and a table
//   lease across instances; whoever waits re-reads the store instead of calling the endpoint;
// - the rotated refresh token is written to the store before the new access token is handed out;
// - permanent errors mark the stored grant invalid and throw ReauthRequiredError, so later calls fail
//   fast with no token call; transient ones are retried with backoff, then thrown as TransientError.
import { z } from 'zod';
import type { SourceKey } from '../../../core/domain/source.js';
import { sourceKeyString } from '../../../core/domain/source.js';
import type { Logger } from '../../../adapters/logging/logger.js';
import type { TableLeaseStore } from '../../../adapters/azure-tables/table-lease.js';
import { ReauthRequiredError, TransientError } from '../../../core/domain/errors.js';
import type { StoredGrantInput, TokenManager } from '../../../core/ports/provider-ports.js';
import { backoffDelayMs, DEFAULT_TOKEN_BACKOFF, type BackoffPolicy } from '../../../core/tokens/backoff.js';
import type { ClientCredential } from './client-credential.js';
import { CorruptGrantError, type StoredGrant } from './stored-grant.js';
import { requestTokens, tokenEndpointUrl, type TokenRequestOutcome } from './token-endpoint.js';
import type { TokenFailure } from './token-error-classification.js';
import type { TokenStore } from '../../../core/ports/token-store.js';

/** App-only access for a source (organisation-wide libraries): client credentials, no refresh token. */
export interface AppOnlyGrantInput {
  /** The tenant that consented to the app's application permissions; defaults to MS_TENANT_ID. */
  tenantId?: string;
}

/** What the lead's composition sees beyond the port: the app-only variant of storeGrant. */
export interface AppOnlyTokenGrants {
  storeAppOnlyGrant(source: SourceKey, grant?: AppOnlyGrantInput): Promise<void>;
}

/** For maintenance: keeps idle delegated grants from reaching the 90-day inactivity limit. */
export interface TokenKeepAlive {
  keepAlive(source: SourceKey, maxIdleMs: number): Promise<boolean>;
}

/** Test hooks. Production code never sets them. */
export interface TokenManagerFaults {
  /** Runs after new tokens arrived and before they are stored; throwing simulates a crash there. */
  afterTokenResponse?(source: SourceKey): void | Promise<void>;
}

export interface MicrosoftTokenManagerOptions {
  store: TokenStore;
  /** Lease store with scope 'token-refresh' on the `leases` table. */
  leases: TableLeaseStore;
  authorityHost: string;
  clientId: string;
  /** Undefined: a public client (no secret or assertion is sent). */
  clientCredential: ClientCredential | undefined;
  /** Tenant used when a grant names none (MS_TENANT_ID, else "organizations"). */
  defaultTenantId: string;
  /** Scope of app-only requests, e.g. "https://graph.microsoft.com/.default". */
  appOnlyScope: string;
  refreshMarginMs: number;
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  backoff?: BackoffPolicy;
  requestTimeoutMs?: number;
  /** Must outlast a refresh with all its retries (4 × 10 s + backoff by default). */
  leaseTtlMs?: number;
  /** How long a caller waits for another instance's refresh before giving up (TransientError). */
  leaseWaitMs?: number;
  leasePollMs?: number;
  /** How long an instance keeps an access token in memory before looking at the store again. */
  memoryCacheMs?: number;
  /** After an app-side permanent error, one probe call is allowed per this interval. */
  appSideProbeIntervalMs?: number;
  fetch?: typeof fetch;
  faults?: TokenManagerFaults;
}

const grantInputSchema = z.object({
  refreshToken: z.string().min(1),
  tenantId: z.string().min(1).optional(),
  scopes: z.array(z.string().min(1)).optional(),
});

const appOnlyInputSchema = z.object({ tenantId: z.string().min(1).optional() });

/** Tenants that only exist for interactive multi-tenant sign-in; client credentials need a real one. */
const META_TENANTS = new Set(['common', 'organizations', 'consumers']);

interface UsableToken {
  accessToken: string;
  expiresAtMs: number;
}

export class MicrosoftTokenManager implements TokenManager, AppOnlyTokenGrants, TokenKeepAlive {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly memory = new Map<string, { accessToken: string; reuseUntilMs: number }>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly requestTimeoutMs: number;
  private readonly leaseTtlMs: number;
  private readonly leaseWaitMs: number;
  private readonly leasePollMs: number;
  private readonly memoryCacheMs: number;
  private readonly appSideProbeIntervalMs: number;

  constructor(private readonly options: MicrosoftTokenManagerOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_TOKEN_BACKOFF;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.leaseTtlMs = options.leaseTtlMs ?? 60_000;
    this.leaseWaitMs = options.leaseWaitMs ?? 20_000;
    this.leasePollMs = options.leasePollMs ?? 200;
    this.memoryCacheMs = options.memoryCacheMs ?? 60_000;
    this.appSideProbeIntervalMs = options.appSideProbeIntervalMs ?? 5 * 60_000;
  }

  async getAccessToken(source: SourceKey): Promise<string> {
    const key = sourceKeyString(source);
    const remembered = this.memory.get(key);
    if (remembered && remembered.reuseUntilMs > this.now()) return remembered.accessToken;
    let flight = this.inFlight.get(key);
    if (!flight) {
      flight = this.obtain(source).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  async storeGrant(source: SourceKey, input: StoredGrantInput): Promise<void> {
    const grant = grantInputSchema.parse(input);
    await this.withRefreshLease(source, async () => {
      await this.options.store.write(source, {
        schemaVersion: 1,
        kind: 'delegated',
        refreshToken: grant.refreshToken,
        tenantId: grant.tenantId ?? this.options.defaultTenantId,
        scopes: grant.scopes ?? [],
        obtainedAt: new Date(this.now()).toISOString(),
      });
    });
    this.options.logger.info('token.grant_stored', { ...source, kind: 'delegated' });
  }

  async storeAppOnlyGrant(source: SourceKey, input: AppOnlyGrantInput = {}): Promise<void> {
    const tenantId = appOnlyInputSchema.parse(input).tenantId ?? this.options.defaultTenantId;
    if (META_TENANTS.has(tenantId.toLowerCase())) {
      throw new Error('app-only access needs a tenant id (the grant\'s tenantId or MS_TENANT_ID), not "common"');
    }
    if (!this.options.clientCredential) {
      throw new Error('app-only access needs a client credential (a secret, a certificate or a federated identity)');
    }
    await this.withRefreshLease(source, async () => {
      await this.options.store.write(source, {
        schemaVersion: 1,
        kind: 'app',
        tenantId,
        scopes: [this.options.appOnlyScope],
        obtainedAt: new Date(this.now()).toISOString(),
      });
    });
    this.options.logger.info('token.grant_stored', { ...source, kind: 'app' });
  }

  /**
   * Deletes the stored grant. Entra has no endpoint that revokes a single refresh token (only all of
   * a user's sessions), so revoking here means forgetting it; it expires unused after 90 days.
   */
  async revoke(source: SourceKey): Promise<void> {
    await this.withRefreshLease(source, () => this.options.store.remove(source));
    this.options.logger.info('token.grant_removed', { ...source });
  }

  /**
   * Refreshes a delegated grant whose refresh token was obtained more than `maxIdleMs` ago, so a
   * source that has not synced for weeks does not reach the 90-day inactivity limit (AADSTS700082,
   * graph-behaviour.md §6). Returns whether it called the token endpoint; throws like getAccessToken.
   * App-only grants have no refresh token to keep alive.
   */
  async keepAlive(source: SourceKey, maxIdleMs: number): Promise<boolean> {
    const isIdle = (grant: StoredGrant) =>
      grant.kind === 'delegated' && this.now() - Date.parse(grant.obtainedAt) >= maxIdleMs;
    const grant = await this.read(source);
    if (!grant) throw noGrant();
    if (grant.invalid) throw new ReauthRequiredError(grant.invalid.reason);
    if (!isIdle(grant)) return false;
    let refreshed = false;
    await this.withRefreshLease(source, async () => {
      // Under the lease, look again: another instance may have refreshed meanwhile.
      const current = await this.read(source);
      if (!current || current.invalid || !isIdle(current)) return;
      await this.refreshGrant(source, current);
      refreshed = true;
    });
    return refreshed;
  }

  private async obtain(source: SourceKey): Promise<string> {
    const deadline = this.now() + this.leaseWaitMs;
    for (;;) {
      const usable = this.usableToken(await this.read(source));
      if (usable) return this.remember(source, usable);
      const lease = await this.options.leases.tryAcquire(sourceKeyString(source), this.leaseTtlMs);
      if (lease) {
        try {
          return await this.refreshHoldingLease(source);
        } finally {
          await lease.release();
        }
      }
      // Another instance is refreshing: wait for its result in the store rather than refresh too.
      if (this.now() >= deadline) throw new TransientError('another instance is refreshing the token; try again later');
      await this.sleep(this.leasePollMs);
    }
  }

  private async refreshHoldingLease(source: SourceKey): Promise<string> {
    // Read again under the lease: another instance may have refreshed since our first read.
    const grant = await this.read(source);
    const usable = this.usableToken(grant);
    if (usable) return this.remember(source, usable);
    if (!grant) throw noGrant();
    return this.refreshGrant(source, grant);
  }

  /** Calls the token endpoint for `grant` and stores the outcome; the caller holds the refresh lease. */
  private async refreshGrant(source: SourceKey, grant: StoredGrant): Promise<string> {
    const requestedAt = this.now();
    const outcome = await this.requestWithRetries(source, grant);
    if (outcome.kind === 'transient') {
      this.options.logger.warn('token.refresh_failed', {
        ...source,
        kind: grant.kind,
        transient: true,
        reason: outcome.reason,
      });
      throw new TransientError(`token refresh failed: ${outcome.reason}`, outcome.retryAfterMs);
    }
    if (outcome.kind === 'permanent') {
      await this.markInvalid(source, grant, outcome);
      throw new ReauthRequiredError(outcome.reason);
    }

    await this.options.faults?.afterTokenResponse?.(source);
    const { tokens } = outcome;
    const expiresAtMs = requestedAt + tokens.expires_in * 1000;
    const rotated = grant.kind === 'delegated' && tokens.refresh_token !== undefined;
    const next: StoredGrant =
      grant.kind === 'delegated'
        ? {
            ...grant,
            refreshToken: tokens.refresh_token ?? grant.refreshToken,
            obtainedAt: rotated ? new Date(requestedAt).toISOString() : grant.obtainedAt,
            accessToken: tokens.access_token,
            accessTokenExpiresAtMs: expiresAtMs,
            invalid: undefined,
          }
        : { ...grant, accessToken: tokens.access_token, accessTokenExpiresAtMs: expiresAtMs, invalid: undefined };
    // Durable before use (invariant 4): if this write fails, the caller gets no token, and the old
    // refresh token, which Entra does not revoke on rotation (graph-behaviour.md §6), still works.
    await this.options.store.write(source, next);
    this.options.logger.info('token.refreshed', {
      ...source,
      kind: grant.kind,
      rotated,
      expiresInSeconds: tokens.expires_in,
    });
    return this.remember(source, { accessToken: tokens.access_token, expiresAtMs });
  }

  private async requestWithRetries(source: SourceKey, grant: StoredGrant): Promise<TokenRequestOutcome> {
    const url = tokenEndpointUrl(this.options.authorityHost, grant.tenantId);
    for (let attempt = 1; ; attempt++) {
      // The credential fields are built per attempt: a client assertion is single-use (its jti).
      const form = {
        client_id: this.options.clientId,
        ...grantFields(grant),
        ...(await this.options.clientCredential?.formFields(url)),
      };
      const outcome = await requestTokens(url, form, { timeoutMs: this.requestTimeoutMs, fetch: this.options.fetch });
      if (outcome.kind !== 'transient') return outcome;
      const delayMs = backoffDelayMs(attempt, this.backoff, this.random, outcome.retryAfterMs);
      if (delayMs === undefined) return outcome;
      this.options.logger.debug('token.refresh_retry', { ...source, attempt, delayMs, reason: outcome.reason });
      await this.sleep(delayMs);
    }
  }

  private async markInvalid(
    source: SourceKey,
    grant: StoredGrant,
    failure: Extract<TokenFailure, { kind: 'permanent' }>,
  ) {
    const at = this.now();
    await this.options.store.write(source, {
      ...grant,
      accessToken: undefined,
      accessTokenExpiresAtMs: undefined,
      invalid: {
        reason: failure.reason,
        error: failure.error,
        code: failure.code,
        at: new Date(at).toISOString(),
        probeAfterMs: failure.appSide ? at + this.appSideProbeIntervalMs : undefined,
      },
    });
    this.memory.delete(sourceKeyString(source));
    this.options.logger.warn('token.grant_invalid', {
      ...source,
      kind: grant.kind,
      error: failure.error,
      code: failure.code,
      reason: failure.reason,
    });
  }

  /** A stored access token still worth using, undefined when a refresh is needed; throws when none may be tried. */
  private usableToken(grant: StoredGrant | undefined): UsableToken | undefined {
    if (!grant) throw noGrant();
    if (grant.invalid) {
      const probeDue = grant.invalid.probeAfterMs !== undefined && this.now() >= grant.invalid.probeAfterMs;
      if (!probeDue) throw new ReauthRequiredError(grant.invalid.reason);
      return undefined;
    }
    if (grant.accessToken && grant.accessTokenExpiresAtMs !== undefined) {
      if (grant.accessTokenExpiresAtMs - this.options.refreshMarginMs > this.now()) {
        return { accessToken: grant.accessToken, expiresAtMs: grant.accessTokenExpiresAtMs };
      }
    }
    return undefined;
  }

  private remember(source: SourceKey, token: UsableToken): string {
    const reuseUntilMs = Math.min(token.expiresAtMs - this.options.refreshMarginMs, this.now() + this.memoryCacheMs);
    this.memory.set(sourceKeyString(source), { accessToken: token.accessToken, reuseUntilMs });
    return token.accessToken;
  }

  private async read(source: SourceKey): Promise<StoredGrant | undefined> {
    try {
      return await this.options.store.read(source);
    } catch (error) {
      if (error instanceof CorruptGrantError) {
        throw new ReauthRequiredError('the stored grant could not be read; reconnect the source');
      }
      throw error;
    }
  }

  /** Runs a store change under the refresh lease, so a refresh in flight cannot overwrite it afterwards. */
  private async withRefreshLease(source: SourceKey, change: () => Promise<void>): Promise<void> {
    const key = sourceKeyString(source);
    const deadline = this.now() + this.leaseWaitMs;
    for (;;) {
      const lease = await this.options.leases.tryAcquire(key, this.leaseTtlMs);
      if (lease) {
        try {
          await change();
          this.memory.delete(key);
          return;
        } finally {
          await lease.release();
        }
      }
      if (this.now() >= deadline)
        throw new TransientError('a token refresh of this source is in progress; try again later');
      await this.sleep(this.leasePollMs);
    }
  }
}

function grantFields(grant: StoredGrant): Record<string, string> {
  const scope = grant.scopes.join(' ');
  if (grant.kind === 'app') return { grant_type: 'client_credentials', scope };
  // "scope" is optional on refresh (a subset of the granted scopes); omitted when none were recorded.
  return { grant_type: 'refresh_token', refresh_token: grant.refreshToken, ...(scope ? { scope } : {}) };
}

function noGrant(): ReauthRequiredError {
  return new ReauthRequiredError('no credentials are stored for the source; connect it');
}
