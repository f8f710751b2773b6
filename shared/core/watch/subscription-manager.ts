// The life of a source's Graph subscription (issue 6 §4-5; graph-behaviour.md §3-4): create it after
// the initial crawl, renew it before it expires, recreate it when Graph has dropped it (a renewal
// answered 404, or a subscriptionRemoved event), reauthorize it on request, and follow every
// (re)creation with one more delta, because changes made before the subscription existed were never
// notified. Only for sources in webhook mode, and only when PUBLIC_BASE_URL is set.
//
// Time comes from `now`, which is Graph's clock: expiry is Graph's notion, and tests that move the
// sandbox clock pass the sandbox's.
import { syncsOnItsOwn, type SourceKey, type SourceRecord } from '../domain/source.js';
import type { LeaseStore } from '../ports/lease-store.js';
import type { Logger } from '../ports/logger.js';
import type { SourceRepository } from '../ports/source-repository.js';
import type { SubscriptionRepository, SubscriptionRow } from '../ports/subscription-repository.js';
import type { SyncJobMessage } from '../queue/messages.js';
import { NotFoundError, ReauthRequiredError } from '../domain/errors.js';
import type { ProviderRegistry } from '../ports/provider-ports.js';
import { hashClientState, newClientState } from '../../providers/microsoft/webhooks/client-state.js';
import { markNeedsReauth } from './mark-needs-reauth.js';
import { minutesLeft, subscriptionExpiry } from '../../providers/microsoft/webhooks/subscription-expiry.js';
import { webhookUrls } from '../../providers/microsoft/webhooks/webhook-urls.js';

export interface SubscriptionManagerDeps {
  sources: Pick<SourceRepository, 'get' | 'update'>;
  subscriptions: Pick<SubscriptionRepository, 'get' | 'put' | 'delete'>;
  providers: ProviderRegistry;
  /** Scope "subscription" on the leases table: one create/renew per source at a time, across instances. */
  leases: Pick<LeaseStore, 'tryAcquire'>;
  enqueueSync(key: SourceKey, reason: SyncJobMessage['reason']): Promise<void>;
  publicBaseUrl: string | undefined;
  /** The tenant whose notifications are accepted; undefined for a multi-tenant app. */
  tenantId: string | undefined;
  renewBeforeMinutes: number;
  checkIntervalMinutes: number;
  log: Logger;
  now?: () => number;
}

export type SubscriptionOutcome =
  | 'not-webhook'
  | 'inactive'
  | 'busy'
  | 'current'
  | 'created'
  | 'renewed'
  | 'recreated'
  | 'reauthorized'
  | 'needs-reauth';

const LEASE_MS = 60_000;

export class SubscriptionManager {
  private readonly now: () => number;

  constructor(private readonly deps: SubscriptionManagerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Whether this source should have a subscription at all. */
  wantsSubscription(source: SourceRecord): boolean {
    return this.deps.publicBaseUrl !== undefined && source.mode === 'webhook';
  }

  /**
   * Makes sure a live subscription exists: creates one when there is none, renews when expiry is
   * near or the periodic check is due (a renewal answered 404 is how a silent removal shows).
   */
  async maintain(key: SourceKey): Promise<SubscriptionOutcome> {
    return this.withSource(key, async (source) => {
      const row = source.subscriptionId ? await this.deps.subscriptions.get(source.subscriptionId) : undefined;
      if (!row) return this.create(source, 'created');
      const now = this.now();
      const left = minutesLeft(row.expirationDateTime, now);
      if (left <= 0) return this.create(source, 'recreated');
      const checkedAtMs = Date.parse(row.checkedAt ?? row.createdAt);
      const checkDue = Number.isNaN(checkedAtMs) || now - checkedAtMs >= this.deps.checkIntervalMinutes * 60_000;
      if (left > this.deps.renewBeforeMinutes && !checkDue) return 'current';
      return this.renew(source, row);
    });
  }

  /** After a sync: creates the subscription if the source has none (the first one follows the initial crawl). */
  async ensure(key: SourceKey): Promise<SubscriptionOutcome> {
    // Runs after every sync: answer from the source record alone when it shows a live subscription.
    const known = (await this.deps.sources.get(key))?.record;
    if (!known || !this.wantsSubscription(known)) return 'not-webhook';
    if (known.subscriptionId && minutesLeft(known.subscriptionExpiresAt ?? '', this.now()) > 0) return 'current';
    return this.withSource(key, async (source) => {
      const row = source.subscriptionId ? await this.deps.subscriptions.get(source.subscriptionId) : undefined;
      if (row && minutesLeft(row.expirationDateTime, this.now()) > 0) return 'current';
      return this.create(source, row ? 'recreated' : 'created');
    });
  }

  /** subscriptionRemoved: Graph says it is gone; a new one, then delta. */
  async recreate(key: SourceKey, removedSubscriptionId?: string): Promise<SubscriptionOutcome> {
    return this.withSource(key, async (source) => {
      // An event about a subscription already replaced needs nothing.
      if (removedSubscriptionId && source.subscriptionId !== removedSubscriptionId) return 'current';
      return this.create(source, 'recreated');
    });
  }

  /** reauthorizationRequired: POST …/reauthorize, falling back to a renewing PATCH (graph-behaviour.md §4). */
  async reauthorize(key: SourceKey, subscriptionId: string): Promise<SubscriptionOutcome> {
    return this.withSource(key, async (source) => {
      // An event for a subscription we already replaced needs nothing.
      if (source.subscriptionId !== subscriptionId) return 'current';
      const provider = this.deps.providers.get(source.type);
      try {
        await provider.reauthorizeSubscription(source, subscriptionId);
        return 'reauthorized';
      } catch (error) {
        if (error instanceof ReauthRequiredError) throw error;
        if (error instanceof NotFoundError) return this.create(source, 'recreated');
        this.deps.log.warn('subscription.reauthorize_failed_renewing', { ...key, error: describe(error) });
      }
      const row = await this.deps.subscriptions.get(subscriptionId);
      if (!row) return this.create(source, 'recreated');
      return this.renew(source, row);
    });
  }

  /** Deletes the subscription in Graph and here (a source being removed, or leaving webhook mode). */
  async remove(source: SourceRecord): Promise<void> {
    if (!source.subscriptionId) return;
    await this.deps.providers.get(source.type).deleteSubscription(source, source.subscriptionId);
    await this.deps.subscriptions.delete(source.subscriptionId);
  }

  private async renew(source: SourceRecord, row: SubscriptionRow): Promise<SubscriptionOutcome> {
    const provider = this.deps.providers.get(source.type);
    const now = this.now();
    try {
      const info = await provider.renewSubscription(source, row.subscriptionId, subscriptionExpiry(now));
      await this.deps.subscriptions.put({
        ...row,
        expirationDateTime: info.expirationDateTime,
        checkedAt: new Date(now).toISOString(),
      });
      await this.recordOnSource(source, row.subscriptionId, info.expirationDateTime);
      return 'renewed';
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // Graph removed it without a word (drive subscriptions get no subscriptionRemoved event).
      this.deps.log.warn('subscription.gone', { kbId: source.kbId, sourceId: source.sourceId });
      return this.create(source, 'recreated');
    }
  }

  private async create(source: SourceRecord, outcome: 'created' | 'recreated'): Promise<SubscriptionOutcome> {
    const { publicBaseUrl } = this.deps;
    if (!publicBaseUrl) return 'not-webhook';
    const clientState = newClientState();
    const now = this.now();
    const info = await this.deps.providers.get(source.type).createSubscription(source, {
      ...webhookUrls(publicBaseUrl),
      clientState,
      expirationDateTime: subscriptionExpiry(now),
    });
    await this.deps.subscriptions.put({
      subscriptionId: info.id,
      kbId: source.kbId,
      sourceId: source.sourceId,
      tenantId: this.deps.tenantId,
      clientStateSha256: hashClientState(clientState),
      expirationDateTime: info.expirationDateTime,
      createdAt: new Date(now).toISOString(),
      checkedAt: new Date(now).toISOString(),
    });
    await this.recordOnSource(source, info.id, info.expirationDateTime);
    if (source.subscriptionId && source.subscriptionId !== info.id) {
      await this.deps.subscriptions.delete(source.subscriptionId);
    }
    // Changes between the last delta and this moment were never notified: one more delta closes the gap.
    await this.deps.enqueueSync(source, 'resubscribed');
    this.deps.log.info(`subscription.${outcome}`, {
      kbId: source.kbId,
      sourceId: source.sourceId,
      subscriptionId: info.id,
      expirationDateTime: info.expirationDateTime,
    });
    return outcome;
  }

  private async recordOnSource(source: SourceKey, subscriptionId: string, expiresAt: string): Promise<void> {
    await this.deps.sources.update(source, (current) => ({
      ...current,
      subscriptionId,
      subscriptionExpiresAt: expiresAt,
    }));
  }

  /** Loads the source, skips what has no business with Graph, holds the per-source lease, maps reauth. */
  private async withSource(
    key: SourceKey,
    work: (source: SourceRecord) => Promise<SubscriptionOutcome>,
  ): Promise<SubscriptionOutcome> {
    const stored = await this.deps.sources.get(key);
    if (!stored || !this.wantsSubscription(stored.record)) return 'not-webhook';
    if (!syncsOnItsOwn(stored.record.state)) return 'inactive';
    const lease = await this.deps.leases.tryAcquire(`subscription|${key.kbId}|${key.sourceId}`, LEASE_MS);
    if (!lease) return 'busy';
    try {
      // Re-read under the lease: another instance may have just created or renewed it.
      const current = (await this.deps.sources.get(key))?.record;
      if (!current) return 'not-webhook';
      return await work(current);
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
