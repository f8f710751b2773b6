// The watch repository port: one record per live watch (a provider's subscription or channel), found
// by its id with one read on the webhook path. It holds the digest of the watch's secret, never the
// value (core/watch/watch-secret.ts). The Table Storage adapter is
// shared/adapters/azure-tables/subscription-store.ts.
export interface WatchRecord {
  watchId: string;
  kbId: string;
  sourceId: string;
  /** SHA-256 (hex) of the secret the provider echoes in each notification. */
  secretSha256: string;
  /** See WatchInfo.issuer. */
  issuer?: string;
  /** ISO 8601, as the provider granted it. */
  expiresAt: string;
  resource?: string;
  createdAt: string;
  /** Last time maintenance renewed it (a renewal is also the check that it still exists). */
  checkedAt?: string;
}

export interface WatchRepository {
  /** The record, or undefined when there is none or it does not parse (it cannot vouch for anything). */
  get(watchId: string): Promise<WatchRecord | undefined>;
  /** Creates or replaces. */
  put(record: WatchRecord): Promise<void>;
  /** Idempotent. */
  delete(watchId: string): Promise<void>;
}
