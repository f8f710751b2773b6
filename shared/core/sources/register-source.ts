// PUT /api/kbs/{kbId}/sources/{sourceId}: registers or updates a source, idempotently.
//
// Order: the grant is stored first (so discovery can use it), then the location is resolved
// through the provider (discovery), then the record is written and a sync is queued. Changing the
// location restarts enumeration with a new resync run, whose end deletes what is no longer in
// scope (sync-source.ts finishRun); that reset is done under the sync lease so a running sync cannot
// write the old location's cursor over it.
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_CURSOR,
  type ResolvedLocation,
  type SourceKey,
  type SourceRecord,
  type SourceState,
} from '../domain/source.js';
import { NotFoundError, PermanentSourceError, ReauthRequiredError, TransientError } from '../domain/errors.js';
import type { LeaseStore } from '../ports/lease-store.js';
import type { ProviderRegistry, SyncProvider, TokenManager } from '../ports/provider-ports.js';
import type { SourceRepository } from '../ports/source-repository.js';
import type { WatchRepository } from '../ports/watch-repository.js';
import type { SyncJobQueue } from '../ports/sync-job-queue.js';
import { syncLeaseKey } from '../sync/sync-source.js';
import { giveUpSubscription } from '../watch/give-up-subscription.js';
import type { AppOnlyTokenGrants } from '../tokens/refreshing-token-manager.js';
import type { RegisterSourceBody } from './register-source-body.js';

/** The settings registration reads (the composition root passes the app's config). */
export interface RegisterSourceSettings {
  /** For a source registered without pollIntervalSeconds. */
  defaultPollIntervalSeconds: number;
  /** Set: sources are registered in webhook mode; unset: in polling mode. */
  publicBaseUrl: string | undefined;
  /** Length of the sync lease taken while a source's location changes. */
  syncLeaseSeconds: number;
}

export interface RegisterSourceDependencies {
  config: RegisterSourceSettings;
  sources: Pick<SourceRepository, 'get' | 'put' | 'update'>;
  tokens: TokenManager & AppOnlyTokenGrants;
  providers: ProviderRegistry;
  syncLeases: Pick<LeaseStore, 'tryAcquire'>;
  syncJobs: SyncJobQueue;
  /** A source moved to another location gives up the old one's watch (its row goes too). */
  subscriptionStore: Pick<WatchRepository, 'get' | 'delete'>;
  now?: () => Date;
}

export type RegisterSourceResult =
  | { kind: 'created' | 'updated'; source: SourceRecord }
  /** The location does not exist (or is not visible with these credentials). */
  | { kind: 'location_not_found'; detail: string }
  /** The credentials cannot be used (invalid grant, consent missing). */
  | { kind: 'reauth_required'; reason: string }
  /** The provider refused for good (access denied, unsupported location). */
  | { kind: 'rejected'; reason: string }
  /** The provider or its token endpoint is unavailable for now. */
  | { kind: 'unavailable'; retryAfterSeconds: number; detail: string }
  /** The location changes while a sync of the old one runs: retry once it ends. */
  | { kind: 'busy'; retryAfterSeconds: number };

const DEFAULT_RETRY_AFTER_SECONDS = 5;
const PENDING_AUTH_REASON = 'no credentials yet: connect the source (or register it again with a refresh token)';

type Resolution = { kind: 'resolved'; location: ResolvedLocation } | { kind: 'pending_auth' } | RegisterSourceResult;

export async function registerSource(
  deps: RegisterSourceDependencies,
  key: SourceKey,
  body: RegisterSourceBody,
): Promise<RegisterSourceResult> {
  const now = (deps.now ?? (() => new Date()))();
  const existing = (await deps.sources.get(key))?.record;
  let gaveCredentials: boolean;
  try {
    gaveCredentials = await storeCredentials(deps, key, body);
  } catch (error) {
    // App-only access needs a tenant and a client credential in the app's settings; the token manager
    // says which is missing (its message names settings, never values).
    if (body.auth === 'app' && !(error instanceof TransientError)) {
      return { kind: 'rejected', reason: error instanceof Error ? error.message : String(error) };
    }
    throw error;
  }
  const resolution = await resolve(deps, key, body, existing, gaveCredentials);
  if (resolution.kind !== 'resolved' && resolution.kind !== 'pending_auth') {
    // No source was created, so the grant stored a moment ago belongs to nothing: forget it.
    if (!existing && gaveCredentials) await deps.tokens.revoke(key);
    return resolution;
  }

  const provider = deps.providers.get(body.type);
  const location: ResolvedLocation =
    resolution.kind === 'resolved'
      ? resolution.location
      : // Without credentials nothing can be resolved yet; keep what we knew, or what the host named.
        provider.unresolvedLocation(
          body.location,
          existing?.type === body.type ? existing.resolvedLocation : undefined,
        );
  const settings: Partial<SourceRecord> = {
    type: body.type,
    location: body.location,
    resolvedLocation: withoutUndefined(location),
    filters: body.filters ?? {},
    pollIntervalSeconds: body.pollIntervalSeconds ?? deps.config.defaultPollIntervalSeconds,
    auth: body.auth,
    mode: syncMode(deps.config.publicBaseUrl, provider),
  };
  const pending = resolution.kind === 'pending_auth';

  if (!existing) {
    const record: SourceRecord = {
      ...key,
      ...(settings as Omit<SourceRecord, 'kbId' | 'sourceId' | 'state' | 'createdAt' | 'updatedAt' | 'itemCount'>),
      state: pending ? 'pending_auth' : 'active',
      ...(pending ? { stateReason: PENDING_AUTH_REASON } : {}),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      itemCount: 0,
    };
    await deps.sources.put(withoutUndefined(record));
    if (!pending) await deps.syncJobs.enqueue(key, 'registered');
    return { kind: 'created', source: record };
  }

  const moved = existing.type !== body.type || !provider.sameLocation(existing.resolvedLocation, location);
  const locationChanged = moved || (existing.resolvedLocation.scopeItemId ?? null) !== (location.scopeItemId ?? null);
  const apply = (current: SourceRecord): SourceRecord => {
    const state = nextState(current.state, pending, locationChanged);
    const updated: SourceRecord = {
      ...current,
      ...settings,
      state,
      stateReason: state === current.state ? current.stateReason : pending ? PENDING_AUTH_REASON : undefined,
      ...(locationChanged ? { cursors: restartedCursors(provider.cursorNames({ ...current, ...settings })) } : {}),
      // The watch is on the old location; the sync after this one watches the new one.
      ...(moved ? { subscriptionId: undefined, subscriptionExpiresAt: undefined } : {}),
    };
    return withoutUndefined(updated);
  };

  let updated: SourceRecord | undefined;
  if (locationChanged) {
    const lease = await deps.syncLeases.tryAcquire(syncLeaseKey(key), deps.config.syncLeaseSeconds * 1000);
    if (!lease) return { kind: 'busy', retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS };
    try {
      if (moved) {
        const unsubscribed = await unsubscribeOldLocation(deps, key);
        if (unsubscribed) return unsubscribed;
      }
      updated = await deps.sources.update(key, apply);
    } finally {
      await lease.release();
    }
  } else {
    updated = await deps.sources.update(key, apply);
  }
  // Deleted between our read and write: register it again from scratch.
  if (!updated) return registerSource(deps, key, body);
  if (!pending) await deps.syncJobs.enqueue(key, 'registered');
  // Read back: the store stamps updatedAt as it writes.
  return { kind: 'updated', source: (await deps.sources.get(key))?.record ?? updated };
}

async function storeCredentials(
  deps: RegisterSourceDependencies,
  key: SourceKey,
  body: RegisterSourceBody,
): Promise<boolean> {
  const tenant = body.tenantId ? { tenantId: body.tenantId } : {};
  // The source type's OAuth client serves the grant (the token manager records which).
  if (body.auth === 'app') {
    await deps.tokens.storeAppOnlyGrant(key, { ...tenant, sourceType: body.type });
    return true;
  }
  if (body.refreshToken === undefined) return false;
  await deps.tokens.storeGrant(key, { refreshToken: body.refreshToken, ...tenant, sourceType: body.type });
  return true;
}

async function resolve(
  deps: RegisterSourceDependencies,
  key: SourceKey,
  body: RegisterSourceBody,
  existing: SourceRecord | undefined,
  gaveCredentials: boolean,
): Promise<Resolution> {
  try {
    return {
      kind: 'resolved',
      location: await deps.providers.get(body.type).resolveLocation(key, body.location),
    };
  } catch (error) {
    if (error instanceof NotFoundError) return { kind: 'location_not_found', detail: error.message };
    if (error instanceof ReauthRequiredError) {
      // Registering first and connecting afterwards is a normal order for delegated sources.
      const awaitingConnect = !existing || existing.state === 'pending_auth';
      if (body.auth === 'delegated' && !gaveCredentials && awaitingConnect) return { kind: 'pending_auth' };
      return { kind: 'reauth_required', reason: error.reason };
    }
    if (error instanceof PermanentSourceError) return { kind: 'rejected', reason: error.reason };
    if (error instanceof TransientError) return unavailable(error);
    throw error;
  }
}

/**
 * A source about to move to another location gives up its watch (record read again just before the
 * move). Left alone, the subscription manager would keep renewing it as "current" while it reports the
 * old location's changes, and the new one would get no notifications (only the safety-net delta).
 */
async function unsubscribeOldLocation(
  deps: RegisterSourceDependencies,
  key: SourceKey,
): Promise<RegisterSourceResult | undefined> {
  const current = (await deps.sources.get(key))?.record;
  if (!current) return undefined;
  try {
    await giveUpSubscription(deps.providers, deps.subscriptionStore, current);
  } catch (error) {
    if (error instanceof TransientError) return unavailable(error);
    throw error;
  }
  return undefined;
}

function unavailable(error: TransientError): RegisterSourceResult {
  const seconds = error.retryAfterMs ? Math.ceil(error.retryAfterMs / 1000) : DEFAULT_RETRY_AFTER_SECONDS;
  return { kind: 'unavailable', retryAfterSeconds: seconds, detail: error.message };
}

/** A successful registration proves the credentials and location work, so earlier failures are cleared. */
function nextState(current: SourceState, pending: boolean, locationChanged: boolean): SourceState {
  if (pending) return 'pending_auth';
  // Held deletes wait for the host's confirmation, unless the source now points somewhere else.
  if (current === 'held' && !locationChanged) return 'held';
  return 'active';
}

/** Every cursor starts again with a resync run, whose end deletes what the new location no longer has. */
function restartedCursors(names: readonly string[]): SourceRecord['cursors'] {
  const resyncRunId = randomUUID();
  return Object.fromEntries((names.length > 0 ? names : [DEFAULT_CURSOR]).map((name) => [name, { resyncRunId }]));
}

/** Table Storage keeps no undefined; dropping them keeps equality checks and JSON stable. */
function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/**
 * Webhook mode needs both a public URL for the provider to call and a provider that can watch; a
 * provider without a watch is polled even when the app has a public URL.
 */
export function syncMode(
  publicBaseUrl: string | undefined,
  provider: Pick<SyncProvider, 'watch'>,
): SourceRecord['mode'] {
  return publicBaseUrl && provider.watch ? 'webhook' : 'polling';
}
