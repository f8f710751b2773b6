// The webhooks' watch reads (every provider's: Graph subscription ids, Google channel ids), behind a short in-memory cache, so an anonymous POST cannot make
// the app read the table once per notification it carries (docs/notifications.md, "Speed").
//
// - One read per distinct id per batch, at most LOOKUP_CONCURRENCY at once, and one read at a time
//   per id across concurrent POSTs (a second POST for an id being read waits for that read).
// - Known rows are cached for `ttlMs`. Safe because a subscription id's row never changes what it
//   vouches for (a recreated subscription gets a new id and a new clientState; the clientState of
//   every notification is still checked against the cached digest), and a row deleted a few seconds
//   ago can at worst let through a notification that only triggers one more delta (invariant 6).
// - Unknown ids are cached for `negativeTtlMs`, in their own map so a flood of made-up ids never
//   evicts a genuine row. A subscription's row is written just after Graph answers its creation, so
//   a notification that beats the write caches "unknown" for an id that is about to exist: the
//   app's own writes call `forget` (same process), and elsewhere the entry lapses within the TTL.
//   A notification dropped meanwhile costs latency, not changes: the next delta reads them all.
import type { WatchRecord, WatchRepository } from '../ports/watch-repository.js';

export interface SubscriptionLookupOptions {
  ttlMs?: number;
  negativeTtlMs?: number;
  /** Per map (known and unknown ids each); the oldest entry makes room. */
  maxEntries?: number;
  concurrency?: number;
  now?: () => number;
}

/** Point reads in flight for one batch: enough to answer 1,000 distinct ids well inside Graph's 3 s. */
const LOOKUP_CONCURRENCY = 16;

export class SubscriptionLookup {
  private readonly known = new ExpiringMap<WatchRecord>();
  private readonly unknown = new ExpiringMap<true>();
  private readonly reading = new Map<string, Promise<WatchRecord | undefined>>();
  /** Counts `forget` calls: a read that started before one may have missed the write, so it caches nothing. */
  private forgets = 0;
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly concurrency: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Pick<WatchRepository, 'get'>,
    options: SubscriptionLookupOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.concurrency = options.concurrency ?? LOOKUP_CONCURRENCY;
    this.now = options.now ?? Date.now;
  }

  /** The rows of the distinct ids among `subscriptionIds` (undefined: not ours). */
  async findMany(subscriptionIds: readonly string[]): Promise<Map<string, WatchRecord | undefined>> {
    const found = new Map<string, WatchRecord | undefined>();
    const toRead: string[] = [];
    for (const id of new Set(subscriptionIds)) {
      const cached = this.cached(id);
      if (cached.hit) found.set(id, cached.row);
      else toRead.push(id);
    }
    let next = 0;
    const worker = async () => {
      while (next < toRead.length) {
        const id = toRead[next++]!;
        found.set(id, await this.read(id));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, toRead.length) }, worker));
    return found;
  }

  /** Drops what is cached for an id: called after the app writes or deletes its row. */
  forget(subscriptionId: string): void {
    this.forgets += 1;
    this.known.delete(subscriptionId);
    this.unknown.delete(subscriptionId);
    this.reading.delete(subscriptionId);
  }

  private cached(id: string): { hit: true; row: WatchRecord | undefined } | { hit: false } {
    const now = this.now();
    const row = this.known.get(id, now);
    if (row) return { hit: true, row };
    if (this.unknown.get(id, now)) return { hit: true, row: undefined };
    return { hit: false };
  }

  private read(id: string): Promise<WatchRecord | undefined> {
    const pending = this.reading.get(id);
    if (pending) return pending;
    const forgetsBefore = this.forgets;
    const reading = this.store
      .get(id)
      .then((row) => {
        const now = this.now();
        if (this.forgets !== forgetsBefore) return row;
        if (row) {
          this.unknown.delete(id);
          if (this.ttlMs > 0) this.known.set(id, row, now + this.ttlMs, this.maxEntries);
        } else {
          this.known.delete(id);
          if (this.negativeTtlMs > 0) this.unknown.set(id, true, now + this.negativeTtlMs, this.maxEntries);
        }
        return row;
      })
      .finally(() => {
        if (this.reading.get(id) === reading) this.reading.delete(id);
      });
    this.reading.set(id, reading);
    return reading;
  }
}

/** A Map in insertion order with a deadline per entry; when full, the oldest entry goes first. */
class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > now) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, until: number, maxEntries: number): void {
    // Re-inserting moves the key to the end, so eviction takes the entry written longest ago.
    this.entries.delete(key);
    while (this.entries.size >= maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, until });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
