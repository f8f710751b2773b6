// The source repository port: one record per source, keyed by kbId and sourceId, with optimistic
// concurrency (two instances cannot overwrite each other's changes silently). The Table Storage
// adapter is shared/adapters/azure-tables/source-store.ts.
import type { SourceKey, SourceRecord } from '../domain/source.js';

/** A record as read, with the version a conditional write must match. */
export interface StoredSource {
  record: SourceRecord;
  etag: string;
}

export class ConcurrentUpdateError extends Error {
  readonly kind = 'concurrent-update' as const;
  constructor() {
    super('the source was changed by someone else; reload and retry');
    this.name = 'ConcurrentUpdateError';
  }
}

export interface SourceRepository {
  get(key: SourceKey): Promise<StoredSource | undefined>;
  /** Every source of one knowledge base. */
  list(kbId: string): Promise<SourceRecord[]>;
  /** Creates or replaces unconditionally (registration decides what to keep); returns the new version. */
  put(record: SourceRecord): Promise<string>;
  /**
   * Reads, applies `change`, writes back only if nobody changed the record meanwhile, retrying a few
   * times; stamps updatedAt. `change` returning undefined writes nothing. Undefined when the source
   * does not exist; throws ConcurrentUpdateError when the retries run out.
   */
  update(key: SourceKey, change: (record: SourceRecord) => SourceRecord | undefined): Promise<SourceRecord | undefined>;
  /** Idempotent. */
  delete(key: SourceKey): Promise<void>;
}
