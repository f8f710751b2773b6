// The webhook's one point read per subscription, behind a short in-memory cache. Caching is safe
// here because a subscription id's row never changes what it vouches for (a recreated subscription
// gets a new id and a new clientState), and a row deleted a few seconds ago can at worst let through
// a notification that only triggers one more delta (a notification is a hint, invariant 6). Unknown
// ids are never cached, so a freshly created subscription is found at once.
import type { SubscriptionStore, WatchRecord } from '../../../adapters/azure-tables/subscription-store.js';

export interface SubscriptionLookupOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export class SubscriptionLookup {
  private readonly cache = new Map<string, { row: WatchRecord; until: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Pick<SubscriptionStore, 'get'>,
    options: SubscriptionLookupOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async find(subscriptionId: string): Promise<WatchRecord | undefined> {
    const cached = this.cache.get(subscriptionId);
    if (cached && cached.until > this.now()) return cached.row;
    const row = await this.store.get(subscriptionId);
    if (row && this.ttlMs > 0) {
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      this.cache.set(subscriptionId, { row, until: this.now() + this.ttlMs });
    } else {
      this.cache.delete(subscriptionId);
    }
    return row;
  }
}
