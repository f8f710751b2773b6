// The lease port: one holder at a time per key across all instances, with expiry, so a crashed
// holder's lease can be taken over. "One sync per source" and "one subscription change per source"
// rely on it. The Table Storage adapter is shared/adapters/azure-tables/table-lease.ts.
export interface Lease {
  readonly key: string;
  readonly holder: string;
  /** Extends the lease; false when it was lost (expired and taken by another holder). */
  renew(): Promise<boolean>;
  /** Gives it up; nothing happens when it was already lost. */
  release(): Promise<void>;
}

/** The outcome of an attempt: the lease, or how long its current holder still holds it. */
export type LeaseAttempt = { lease: Lease } | { lease?: undefined; heldForMs: number };

export interface LeaseStore {
  /** Takes the lease on `key` for `ttlMs`, or answers undefined when someone else holds it. */
  tryAcquire(key: string, ttlMs: number, holder?: string): Promise<Lease | undefined>;
  /** Like tryAcquire, but a refusal says how long the current holder still holds the lease. */
  acquire(key: string, ttlMs: number, holder?: string): Promise<LeaseAttempt>;
  /** Whether anyone holds an unexpired lease on `key`. */
  isHeld(key: string): Promise<boolean>;
}
