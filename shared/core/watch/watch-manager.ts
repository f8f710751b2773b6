// The life of a source's watch, as its provider's watch policy says (ports/watch-source.ts): create
// it after the initial crawl, extend it before it expires (renew in place, or replace it when the
// provider cannot renew), recreate it when the provider has dropped it (a renewal answered 404, or a
// `removed` event), reauthorize it on request where the provider supports that, and follow every
// (re)creation that may have left a gap with one more sync, because changes made while no watch
// existed were never notified. Only for sources in webhook mode whose provider can watch, and only
// when PUBLIC_BASE_URL is set.
//
// Time comes from `now`, which is the provider's clock: expiry is the provider's notion, and tests
// that move the sandbox clock pass the sandbox's.
import { syncsOnItsOwn, type SourceKey, type SourceRecord } from '../domain/source.js';
import type { LeaseStore } from '../ports/lease-store.js';
import type { Logger } from '../ports/logger.js';
import type { SourceRepository } from '../ports/source-repository.js';
import type { SyncJobMessage } from '../queue/messages.js';
import { NotFoundError, ReauthRequiredError } from '../domain/errors.js';
import type { ProviderRegistry } from '../ports/provider-ports.js';
import type { WatchSource } from '../ports/watch-source.js';
import { markNeedsReauth } from './mark-needs-reauth.js';
import { msLeft, requestedExpiry } from './watch-expiry.js';
import { newWatchSecret, watchSecretDigest } from './watch-secret.js';
import { webhookUrls } from './webhook-routes.js';
import type { WatchRecord, WatchRepository } from '../ports/watch-repository.js';

export interface WatchManagerDeps {
  sources: Pick<SourceRepository, 'get' | 'update'>;
  watches: Pick<WatchRepository, 'get' | 'put' | 'delete'>;
  providers: ProviderRegistry;
  /** Scope "subscription" on the leases table: one create/renew per source at a time, across instances. */
  leases: Pick<LeaseStore, 'tryAcquire'>;
  enqueueSync(key: SourceKey, reason: SyncJobMessage['reason']): Promise<void>;
  publicBaseUrl: string | undefined;
  renewBeforeMinutes: number;
  checkIntervalMinutes: number;
  log: Logger;
  now?: () => number;
}

export type WatchOutcome =
  | 'not-webhook'
  | 'inactive'
  | 'busy'
  | 'current'
  | 'created'
  | 'renewed'
  | 'recreated'
  | 'reauthorized'
  | 'needs-reauth';

/** A source the manager acts on, with its provider's watch capability. */
interface Watched {
  source: SourceRecord;
  watch: WatchSource;
}

const LEASE_MS = 60_000;

export class WatchManager {
  private readonly now: () => number;

  constructor(private readonly deps: WatchManagerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Whether this source should have a watch at all. */
  wantsWatch(source: SourceRecord): boolean {
    return (
      this.deps.publicBaseUrl !== undefined &&
      source.mode === 'webhook' &&
      this.deps.providers.get(source.type).watch !== undefined
    );
  }

  /**
   * Makes sure a live watch exists: creates one when there is none, extends it when expiry is near or
   * the periodic check is due (a renewal answered 404 is how a silent removal shows).
   */
  async maintain(key: SourceKey): Promise<WatchOutcome> {
    return this.withSource(key, async (watched) => {
      const { source } = watched;
      const record = source.subscriptionId ? await this.deps.watches.get(source.subscriptionId) : undefined;
      if (!record) return this.create(watched, 'created');
      const now = this.now();
      const left = msLeft(record.expiresAt, now);
      if (left <= 0) return this.create(watched, 'recreated');
      const checkedAtMs = Date.parse(record.checkedAt ?? record.createdAt);
      // The periodic check is a renewal in place; a watch that can only be replaced is not replaced
      // just to check it (a Google channel has no cheap existence check), only before it expires.
      const checkDue =
        watched.watch.policy.renewal === 'renew-in-place' &&
        (Number.isNaN(checkedAtMs) || now - checkedAtMs >= this.deps.checkIntervalMinutes * 60_000);
      if (left > this.deps.renewBeforeMinutes * 60_000 && !checkDue) return 'current';
      return this.extend(watched, record);
    });
  }

  /** After a sync: creates the watch if the source has none (the first one follows the initial crawl). */
  async ensure(key: SourceKey): Promise<WatchOutcome> {
    // Runs after every sync: answer from the source record alone when it shows a live watch.
    const known = (await this.deps.sources.get(key))?.record;
    if (!known || !this.wantsWatch(known)) return 'not-webhook';
    if (known.subscriptionId && msLeft(known.subscriptionExpiresAt ?? '', this.now()) > 0) return 'current';
    return this.withSource(key, async (watched) => {
      const { subscriptionId } = watched.source;
      const record = subscriptionId ? await this.deps.watches.get(subscriptionId) : undefined;
      if (record && msLeft(record.expiresAt, this.now()) > 0) return 'current';
      return this.create(watched, record ? 'recreated' : 'created');
    });
  }

  /** The provider says the watch is gone (`removed`): a new one, then a sync. */
  async recreate(key: SourceKey, removedWatchId?: string): Promise<WatchOutcome> {
    return this.withSource(key, async (watched) => {
      // An event about a watch already replaced needs nothing.
      if (removedWatchId && watched.source.subscriptionId !== removedWatchId) return 'current';
      return this.create(watched, 'recreated');
    });
  }

  /**
   * `reauthorization_required`: reauthorize where the provider supports it, falling back to (or, where
   * it does not, going straight to) an extension, which reauthorizes too.
   */
  async reauthorize(key: SourceKey, watchId: string): Promise<WatchOutcome> {
    return this.withSource(key, async (watched) => {
      const { source, watch } = watched;
      // An event for a watch we already replaced needs nothing.
      if (source.subscriptionId !== watchId) return 'current';
      if (watch.policy.reauthorizeSupported && watch.reauthorize) {
        try {
          await watch.reauthorize(source, watchId);
          return 'reauthorized';
        } catch (error) {
          if (error instanceof ReauthRequiredError) throw error;
          if (error instanceof NotFoundError) return this.create(watched, 'recreated');
          this.deps.log.warn('subscription.reauthorize_failed_renewing', {
            kbId: source.kbId,
            sourceId: source.sourceId,
            error: describe(error),
          });
        }
      }
      const record = await this.deps.watches.get(watchId);
      if (!record) return this.create(watched, 'recreated');
      return this.extend(watched, record);
    });
  }

  /** Moves the expiry in place, or replaces the watch when the provider cannot renew. */
  private async extend(watched: Watched, record: WatchRecord): Promise<WatchOutcome> {
    const { source, watch } = watched;
    if (watch.policy.renewal === 'recreate' || !watch.renew) return this.replace(watched, record);
    const now = this.now();
    try {
      const info = await watch.renew(source, record.watchId, requestedExpiry(watch.policy, source, now));
      await this.deps.watches.put({ ...record, expiresAt: info.expiresAt, checkedAt: new Date(now).toISOString() });
      await this.recordOnSource(source, record.watchId, info.expiresAt);
      return 'renewed';
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // The provider removed it without a word (not every removal comes with a `removed` event).
      this.deps.log.warn('subscription.gone', { kbId: source.kbId, sourceId: source.sourceId });
      return this.create(watched, 'recreated');
    }
  }

  /**
   * Renewal by replacement: the new watch exists before the old one is stopped, so no change falls in
   * between and no extra sync is needed. The old one is stopped on a best-effort basis: left alone it
   * lapses at its expiry, and its notifications stop at the webhook once its record is gone.
   */
  private async replace(watched: Watched, old: WatchRecord): Promise<WatchOutcome> {
    const outcome = await this.create(watched, 'renewed', { closeGap: false });
    try {
      await watched.watch.delete(watched.source, { watchId: old.watchId, resource: old.resource });
    } catch (error) {
      this.deps.log.warn('subscription.replaced_delete_failed', {
        kbId: watched.source.kbId,
        sourceId: watched.source.sourceId,
        error: describe(error),
      });
    }
    return outcome;
  }

  private async create(
    { source, watch }: Watched,
    outcome: 'created' | 'recreated' | 'renewed',
    options: { closeGap: boolean } = { closeGap: true },
  ): Promise<WatchOutcome> {
    const { publicBaseUrl } = this.deps;
    if (!publicBaseUrl) return 'not-webhook';
    const secret = newWatchSecret(watch.policy.maxSecretLength);
    const now = this.now();
    const info = await watch.create(source, {
      ...webhookUrls(publicBaseUrl, watch),
      secret,
      expiresAt: requestedExpiry(watch.policy, source, now),
    });
    await this.deps.watches.put({
      watchId: info.watchId,
      kbId: source.kbId,
      sourceId: source.sourceId,
      issuer: info.issuer,
      ...(info.resource === undefined ? {} : { resource: info.resource }),
      secretSha256: watchSecretDigest(secret),
      expiresAt: info.expiresAt,
      createdAt: new Date(now).toISOString(),
      checkedAt: new Date(now).toISOString(),
    });
    await this.recordOnSource(source, info.watchId, info.expiresAt);
    if (source.subscriptionId && source.subscriptionId !== info.watchId) {
      await this.deps.watches.delete(source.subscriptionId);
    }
    // Changes between the last sync and this moment were never notified: one more sync closes the gap.
    if (options.closeGap) await this.deps.enqueueSync(source, 'resubscribed');
    this.deps.log.info(`subscription.${outcome}`, {
      kbId: source.kbId,
      sourceId: source.sourceId,
      subscriptionId: info.watchId,
      expiresAt: info.expiresAt,
    });
    return outcome;
  }

  private async recordOnSource(source: SourceKey, watchId: string, expiresAt: string): Promise<void> {
    await this.deps.sources.update(source, (current) => ({
      ...current,
      subscriptionId: watchId,
      subscriptionExpiresAt: expiresAt,
    }));
  }

  /** Loads the source, skips what has no watch to keep, holds the per-source lease, maps reauth. */
  private async withSource(key: SourceKey, work: (watched: Watched) => Promise<WatchOutcome>): Promise<WatchOutcome> {
    const stored = await this.deps.sources.get(key);
    if (!stored || !this.wantsWatch(stored.record)) return 'not-webhook';
    if (!syncsOnItsOwn(stored.record.state)) return 'inactive';
    const lease = await this.deps.leases.tryAcquire(`subscription|${key.kbId}|${key.sourceId}`, LEASE_MS);
    if (!lease) return 'busy';
    try {
      // Re-read under the lease: another instance may have just created or renewed it.
      const current = (await this.deps.sources.get(key))?.record;
      const watch = current ? this.deps.providers.get(current.type).watch : undefined;
      if (!current || !watch) return 'not-webhook';
      return await work({ source: current, watch });
    } catch (error) {
      if (!(error instanceof ReauthRequiredError)) throw error;
      await markNeedsReauth(this.deps.sources, key, error, this.deps.log, 'subscription.needs_reauth');
      return 'needs-reauth';
    } finally {
      await lease.release().catch(() => undefined);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
