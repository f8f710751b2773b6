// Access tokens for sources, whatever their provider (invariant 4). The provider-specific part (the
// token endpoint, its errors, the grant's own fields) is the source type's OAuthClient; this file
// holds what every provider needs:
// - an access token is reused until `refreshMarginMs` before it expires (in memory, and through the
//   stored grant document so other instances can reuse it too);
// - a refresh is single-flight per source: one promise per source inside the process, and a table
//   lease across instances; whoever waits re-reads the store instead of calling the endpoint;
// - the rotated refresh token is written to the store before the new access token is handed out;
// - permanent errors mark the stored grant invalid and throw ReauthRequiredError, so later calls fail
//   fast with no token call; transient ones are retried with backoff, then thrown as TransientError;
// - an access token the provider refused before its expiry is dropped from memory and from the store
//   (only if it is still the cached one), so the next call refreshes through the same single flight.
// Log lines name the source by kbId and sourceId only (sourceKeyOf): callers often pass the whole
// source record, whose cursor and subscription id must not reach a log.
import type { SourceKey } from '../domain/source.js';
import { sourceKeyOf, sourceKeyString } from '../domain/source.js';
import type { LeaseStore } from '../ports/lease-store.js';
import type { Logger } from '../ports/logger.js';
import { noAudit, type AuditRecorder } from '../audit/audit-recorder.js';
import { ReauthRequiredError, TransientError } from '../domain/errors.js';
import type { StoredGrantInput, TokenManager } from '../ports/provider-ports.js';
import type {
  OAuthClient,
  OAuthClientRegistry,
  OAuthFailure,
  ProviderGrantFields,
  TokenOutcome,
} from '../ports/oauth-client.js';
import type { TokenStore } from '../ports/token-store.js';
import { backoffDelayMs, DEFAULT_TOKEN_BACKOFF, type BackoffPolicy } from './backoff.js';
import { z } from 'zod';
import { CorruptGrantError, providerFields, type StoredGrant } from './stored-grant.js';

/** Provider-specific input of an app-only grant, checked by the client (OAuthClient.appOnly). */
/** The provider's fields of an app-only grant, and the source type whose OAuth client serves it. */
export type AppOnlyGrantInput = ProviderGrantFields & { sourceType?: string };

/** What the composition sees beyond the port: the app-only variant of storeGrant. */
export interface AppOnlyTokenGrants {
  storeAppOnlyGrant(source: SourceKey, grant?: AppOnlyGrantInput): Promise<void>;
}

/** For maintenance: keeps idle delegated grants from reaching their provider's inactivity limit. */
export interface TokenKeepAlive {
  keepAlive(source: SourceKey, maxIdleMs: number): Promise<boolean>;
}

/** Test hooks. Production code never sets them. */
export interface TokenManagerFaults {
  /** Runs after new tokens arrived and before they are stored; throwing simulates a crash there. */
  afterTokenResponse?(source: SourceKey): void | Promise<void>;
}

export interface RefreshingTokenManagerOptions {
  /**
   * The OAuth client of grants that name none: stored without a source type, or before grants named
   * their client.
   */
  client: OAuthClient;
  /**
   * The clients by source type (storeGrant's `sourceType`) and by name (a stored grant's `client`).
   * Without it, every grant is the default client's.
   */
  clients?: OAuthClientRegistry;
  store: TokenStore;
  /** Lease store with scope 'token-refresh' on the `leases` table. */
  leases: LeaseStore;
  refreshMarginMs: number;
  logger: Logger;
  /** The credential audit log (core/audit): every store, refresh, failure, revoke and removal. */
  audit?: AuditRecorder;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  backoff?: BackoffPolicy;
  /** Must outlast a refresh with all its retries (4 × 10 s + backoff by default). */
  leaseTtlMs?: number;
  /** How long a caller waits for another instance's refresh before giving up (TransientError). */
  leaseWaitMs?: number;
  leasePollMs?: number;
  /** How long an instance keeps an access token in memory before looking at the store again. */
  memoryCacheMs?: number;
  /** After an app-side permanent error, one probe call is allowed per this interval. */
  appSideProbeIntervalMs?: number;
  faults?: TokenManagerFaults;
}

/** The neutral part of storeGrant's input; the rest is the client's (OAuthClient.newDelegatedGrant). */
const grantInputSchema = z.looseObject({
  refreshToken: z.string().min(1),
  scopes: z.array(z.string().min(1)).optional(),
  /** The source's type: its OAuth client serves the grant (the default client when absent). */
  sourceType: z.string().min(1).optional(),
});

interface UsableToken {
  accessToken: string;
  expiresAtMs: number;
}

export class RefreshingTokenManager implements TokenManager, AppOnlyTokenGrants, TokenKeepAlive {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly memory = new Map<string, { accessToken: string; reuseUntilMs: number }>();
  private readonly client: OAuthClient;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly leaseTtlMs: number;
  private readonly leaseWaitMs: number;
  private readonly leasePollMs: number;
  private readonly memoryCacheMs: number;
  private readonly appSideProbeIntervalMs: number;

  constructor(private readonly options: RefreshingTokenManagerOptions) {
    this.client = options.client;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_TOKEN_BACKOFF;
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

  async invalidateAccessToken(source: SourceKey, accessToken: string): Promise<void> {
    const key = sourceKeyString(source);
    if (this.memory.get(key)?.accessToken === accessToken) this.memory.delete(key);
    // Most concurrent callers find a fresh token stored already and need no lease.
    if ((await this.read(source))?.accessToken !== accessToken) return;
    let dropped = false;
    await this.withRefreshLease(
      source,
      async () => {
        // Under the lease, look again: a refresh may have replaced the token meanwhile.
        const grant = await this.read(source);
        if (grant?.accessToken !== accessToken) return;
        await this.options.store.write(source, { ...grant, accessToken: undefined, accessTokenExpiresAtMs: undefined });
        dropped = true;
      },
      { forgetCached: false },
    );
    if (dropped) this.options.logger.info('token.access_token_rejected', { ...sourceKeyOf(source) });
  }

  async storeGrant(source: SourceKey, input: StoredGrantInput): Promise<void> {
    const { refreshToken, scopes, sourceType, ...providerInput } = grantInputSchema.parse(input);
    const client = this.clientForType(sourceType);
    const grant = client.newDelegatedGrant(providerInput);
    await this.withRefreshLease(source, async () => {
      await this.options.store.write(source, {
        ...grant.fields,
        schemaVersion: 1,
        kind: 'delegated',
        ...this.clientField(client),
        refreshToken,
        scopes: grant.scopes ?? scopes ?? [],
        obtainedAt: new Date(this.now()).toISOString(),
      });
    });
    this.options.logger.info('token.grant_stored', { ...sourceKeyOf(source), kind: 'delegated' });
    await this.audit(source, 'grant_stored', 'ok', { kind: 'delegated' });
  }

  async storeAppOnlyGrant(source: SourceKey, input: AppOnlyGrantInput = {}): Promise<void> {
    const { sourceType, ...providerInput } = input;
    const client = this.clientForType(sourceType);
    if (!client.appOnly) throw new Error('this source type has no app-only access');
    const grant = client.appOnly.newGrant(providerInput);
    await this.withRefreshLease(source, async () => {
      await this.options.store.write(source, {
        ...grant.fields,
        schemaVersion: 1,
        kind: 'app',
        ...this.clientField(client),
        scopes: grant.scopes ?? [],
        obtainedAt: new Date(this.now()).toISOString(),
      });
    });
    this.options.logger.info('token.grant_stored', { ...sourceKeyOf(source), kind: 'app' });
    await this.audit(source, 'grant_stored', 'ok', { kind: 'app' });
  }

  /**
   * Deletes the stored grant. Not every provider can revoke a single refresh token, so revoking
   * here means forgetting it; it then expires unused.
   */
  async revoke(source: SourceKey): Promise<void> {
    await this.withRefreshLease(source, async () => {
      await this.revokeAtProvider(source);
      await this.options.store.remove(source);
    });
    this.options.logger.info('token.grant_removed', { ...sourceKeyOf(source) });
    await this.audit(source, 'grant_removed', 'ok');
  }

  /**
   * Where the provider can revoke a refresh token, it is revoked before it is forgotten. Best effort:
   * the source is being removed either way, and a failure only means the token lapses unused later.
   */
  private async revokeAtProvider(source: SourceKey): Promise<void> {
    let grant: StoredGrant | undefined;
    try {
      grant = await this.read(source);
    } catch (error) {
      if (error instanceof CorruptGrantError || error instanceof ReauthRequiredError) return;
      throw error;
    }
    if (!grant || grant.kind !== 'delegated') return;
    const client = this.clientOf(grant);
    if (!client.revoke) return;
    const outcome = await client.revoke(grant.refreshToken);
    if (outcome.kind === 'revoked') {
      this.options.logger.info('token.grant_revoked', { ...sourceKeyOf(source) });
      await this.audit(source, 'revoked', 'ok');
    } else {
      this.options.logger.warn('token.revoke_failed', { ...sourceKeyOf(source), reason: outcome.reason });
      await this.audit(source, 'revoke_failed', 'failed', { reason: outcome.reason });
    }
  }

  /**
   * Refreshes a delegated grant whose refresh token was obtained more than `maxIdleMs` ago, so a
   * source that has not synced for weeks does not reach its provider's inactivity limit
   * (OAuthClient.inactivity). Returns whether it called the token endpoint; throws like
   * getAccessToken. App-only grants have no refresh token to keep alive.
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
        ...sourceKeyOf(source),
        kind: grant.kind,
        transient: true,
        reason: outcome.reason,
      });
      await this.audit(source, 'refresh_failed', 'failed', {
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
    const expiresAtMs = requestedAt + tokens.expiresInSeconds * 1000;
    const rotated = grant.kind === 'delegated' && tokens.refreshToken !== undefined;
    // The idle clock (keep-alive) restarts with a new refresh token; without rotation, with any use.
    const renewed = rotated || (grant.kind === 'delegated' && !this.clientOf(grant).refreshTokensRotate);
    const next: StoredGrant =
      grant.kind === 'delegated'
        ? {
            ...grant,
            refreshToken: tokens.refreshToken ?? grant.refreshToken,
            obtainedAt: renewed ? new Date(requestedAt).toISOString() : grant.obtainedAt,
            accessToken: tokens.accessToken,
            accessTokenExpiresAtMs: expiresAtMs,
            invalid: undefined,
          }
        : { ...grant, accessToken: tokens.accessToken, accessTokenExpiresAtMs: expiresAtMs, invalid: undefined };
    // Durable before use (invariant 4): if this write fails, the caller gets no token, and the old
    // refresh token is still the one stored (docs/tokens.md: which providers keep it valid).
    await this.options.store.write(source, next);
    this.options.logger.info('token.refreshed', {
      ...sourceKeyOf(source),
      kind: grant.kind,
      rotated,
      expiresInSeconds: tokens.expiresInSeconds,
    });
    await this.audit(source, 'refreshed', 'ok', { kind: grant.kind, rotated });
    return this.remember(source, { accessToken: tokens.accessToken, expiresAtMs });
  }

  private async requestWithRetries(source: SourceKey, grant: StoredGrant): Promise<TokenOutcome> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.request(grant);
      if (outcome.kind !== 'transient') return outcome;
      const delayMs = backoffDelayMs(attempt, this.backoff, this.random, outcome.retryAfterMs);
      if (delayMs === undefined) return outcome;
      this.options.logger.debug('token.refresh_retry', {
        ...sourceKeyOf(source),
        attempt,
        delayMs,
        reason: outcome.reason,
      });
      await this.sleep(delayMs);
    }
  }

  private request(grant: StoredGrant): Promise<TokenOutcome> {
    const fields = providerFields(grant);
    const client = this.clientOf(grant);
    if (grant.kind === 'delegated') {
      return client.refresh({ refreshToken: grant.refreshToken, scopes: grant.scopes, fields });
    }
    if (!client.appOnly) {
      const reason = 'the stored grant is app-only, which this source type does not support; reconnect the source';
      return Promise.resolve({
        kind: 'permanent',
        error: 'unsupported_grant_type',
        code: undefined,
        reason,
        appSide: false,
      });
    }
    return client.appOnly.requestToken({ scopes: grant.scopes, fields });
  }

  private async markInvalid(
    source: SourceKey,
    grant: StoredGrant,
    failure: Extract<OAuthFailure, { kind: 'permanent' }>,
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
      ...sourceKeyOf(source),
      kind: grant.kind,
      error: failure.error,
      code: failure.code,
      reason: failure.reason,
    });
    const facts = {
      kind: grant.kind,
      reason: failure.reason,
      ...(failure.error ? { error: failure.error } : {}),
      ...(failure.code ? { code: String(failure.code) } : {}),
    };
    await this.audit(source, 'refresh_failed', 'failed', { ...facts, transient: false });
    await this.audit(source, 'needs_reauth', 'ok', facts);
  }

  private audit(...args: Parameters<AuditRecorder>): Promise<void> {
    return (this.options.audit ?? noAudit)(...args);
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

  /** The stored grant, its provider fields checked by the client; a document that fails either is corrupt. */
  private async read(source: SourceKey): Promise<StoredGrant | undefined> {
    let grant: StoredGrant | undefined;
    try {
      grant = await this.options.store.read(source);
    } catch (error) {
      if (error instanceof CorruptGrantError) throw corrupt();
      throw error;
    }
    if (grant && !this.clientOf(grant).grantFields.safeParse(providerFields(grant)).success) throw corrupt();
    return grant;
  }

  /** The client of a new grant: the source type's, or the default one when no type is given. */
  private clientForType(sourceType: string | undefined): OAuthClient {
    return sourceType && this.options.clients ? this.options.clients.get(sourceType) : this.client;
  }

  /** Grants of the default client name none, so documents stay as they were for single-client apps. */
  private clientField(client: OAuthClient): { client?: string } {
    return client === this.client ? {} : { client: client.name };
  }

  /** The client a stored grant names; a name no wired client has makes the document unusable. */
  private clientOf(grant: StoredGrant): OAuthClient {
    if (!grant.client || grant.client === this.client.name) return this.client;
    const client = this.options.clients?.named(grant.client);
    if (!client) throw corrupt();
    return client;
  }

  /**
   * Runs a store change under the refresh lease, so a refresh in flight cannot overwrite it afterwards.
   * The cached token is forgotten afterwards unless the change left it valid (`forgetCached: false`).
   */
  private async withRefreshLease(
    source: SourceKey,
    change: () => Promise<void>,
    { forgetCached = true }: { forgetCached?: boolean } = {},
  ): Promise<void> {
    const key = sourceKeyString(source);
    const deadline = this.now() + this.leaseWaitMs;
    for (;;) {
      const lease = await this.options.leases.tryAcquire(key, this.leaseTtlMs);
      if (lease) {
        try {
          await change();
          if (forgetCached) this.memory.delete(key);
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

function noGrant(): ReauthRequiredError {
  return new ReauthRequiredError('no credentials are stored for the source; connect it');
}

function corrupt(): ReauthRequiredError {
  return new ReauthRequiredError('the stored grant could not be read; reconnect the source');
}
