// The debounce state port: one small row per source that the notification coalescer changes only
// with compare-and-swap (core/notifications/sync-coalescer.ts). The Table Storage adapter is
// shared/adapters/azure-tables/debounce-store.ts.
import { z } from 'zod';
import type { SourceKey } from '../domain/source.js';

export const debounceStateSchema = z.object({
  /** When the burst being gathered began; absent when no sync is pending for the source. */
  pendingSinceMs: z.number().optional(),
  /** Latest notification seen (written at most every few hundred ms during a burst). */
  lastNotificationAtMs: z.number().optional(),
  /** Id of the one debounce-check message that is live; other check messages are stale and ignored. */
  armId: z.string().optional(),
  /**
   * The arm whose burst was handed to a sync job. Pending state is cleared before that job is queued
   * (so no notification is absorbed by a job that may already be reading changes); if queueing then
   * fails, the retried check message finds its arm here and queues the job.
   */
  releasedArmId: z.string().optional(),
});
export type DebounceState = z.infer<typeof debounceStateSchema>;

export interface StoredDebounceState {
  state: DebounceState;
  /** undefined when the row does not exist yet. */
  etag: string | undefined;
}

export interface DebounceStateRepository {
  /** The state with its version; an empty state when there is none (or it is unreadable). */
  read(key: SourceKey): Promise<StoredDebounceState>;
  /** Writes `state` only if the row is still at `etag` (or still absent); false when someone else won. */
  write(key: SourceKey, state: DebounceState, etag: string | undefined): Promise<boolean>;
  /** Idempotent. */
  delete(key: SourceKey): Promise<void>;
}
