// Turns a stream of change notifications for a source into few sync jobs (issue 6, "coalescing"):
// a trailing debounce (NOTIFICATION_DEBOUNCE_MS after the last notification) capped by
// NOTIFICATION_MAX_WAIT_MS, at most one pending job per source, and one follow-up when notifications
// arrive while a sync runs. The timer is a delayed "debounce-check" message on the notifications queue,
// so it survives restarts and works across instances; the per-source row is
// changed only with compare-and-swap (ports/debounce-state-repository.ts).
//
// Why no notification is lost: a notification either finds a pending burst (whose sync job is queued
// strictly after the pending state is cleared, so that job reads delta after this change) or arms a
// new burst. Every armed burst ends in exactly one queued job, or in one more re-check.
import { randomUUID } from 'node:crypto';
import type { SourceKey } from '../domain/source.js';
import type { DebounceState, DebounceStateRepository } from '../ports/debounce-state-repository.js';
import type { Logger } from '../ports/logger.js';
import type { SyncJobMessage } from '../queue/messages.js';
import type { DebounceCheckMessage } from './notification-messages.js';

export interface SyncCoalescerDeps {
  store: Pick<DebounceStateRepository, 'read' | 'write'>;
  /** Whether a sync of the source holds its lease right now. */
  isSyncRunning(key: SourceKey): Promise<boolean>;
  enqueueSync(key: SourceKey, reason: SyncJobMessage['reason']): Promise<void>;
  /** Puts a debounce-check message on the notifications queue, visible after `delayMs`. */
  scheduleCheck(message: DebounceCheckMessage, delayMs: number): Promise<void>;
  debounceMs: number;
  maxWaitMs: number;
  log: Logger;
  now?: () => number;
}

export type NotificationOutcome = 'armed' | 'absorbed';
export type CheckOutcome = 'stale' | 'rearmed' | 'waiting-for-sync' | 'sync-queued';

/** A pending burst older than this past its max wait lost its check message (poisoned): start over. */
const STALE_PENDING_GRACE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 20;

export class ConcurrentDebounceError extends Error {
  constructor() {
    super('the debounce state kept changing under us; the queue will retry');
    this.name = 'ConcurrentDebounceError';
  }
}

export class SyncCoalescer {
  private readonly now: () => number;

  constructor(private readonly deps: SyncCoalescerDeps) {
    this.now = deps.now ?? Date.now;
  }

  async onNotification(key: SourceKey): Promise<NotificationOutcome> {
    // Fewer writes in a burst: "last seen" only needs to be about right, as a slightly early check
    // just re-arms; any notification seen while pending is covered by the job queued later.
    const refreshStepMs = Math.min(250, this.deps.debounceMs / 4);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { state, etag } = await this.deps.store.read(key);
      const now = this.now();
      if (this.isPending(state, now)) {
        if (now - (state.lastNotificationAtMs ?? 0) < refreshStepMs) return 'absorbed';
        if (await this.deps.store.write(key, { ...state, lastNotificationAtMs: now }, etag)) return 'absorbed';
        continue;
      }
      const armId = randomUUID();
      // The check message first: if the write then loses, the message is stale and ignored.
      await this.deps.scheduleCheck({ kind: 'debounce-check', ...key, armId }, this.deps.debounceMs);
      const armed: DebounceState = { pendingSinceMs: now, lastNotificationAtMs: now, armId };
      if (await this.deps.store.write(key, armed, etag)) return 'armed';
    }
    throw new ConcurrentDebounceError();
  }

  async onCheck(message: DebounceCheckMessage): Promise<CheckOutcome> {
    const key = { kbId: message.kbId, sourceId: message.sourceId };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { state, etag } = await this.deps.store.read(key);
      if (state.releasedArmId === message.armId && state.armId !== message.armId) {
        // An earlier attempt cleared the burst and then failed to queue its job: queue it now.
        await this.deps.enqueueSync(key, 'notification');
        return 'sync-queued';
      }
      if (state.armId !== message.armId || state.pendingSinceMs === undefined) return 'stale';

      const now = this.now();
      const quietMs = now - (state.lastNotificationAtMs ?? state.pendingSinceMs);
      const waitedMs = now - state.pendingSinceMs;
      if (quietMs < this.deps.debounceMs && waitedMs < this.deps.maxWaitMs) {
        const delayMs = Math.min(this.deps.debounceMs - quietMs, this.deps.maxWaitMs - waitedMs);
        if (await this.rearm(key, state, etag, delayMs)) return 'rearmed';
        continue;
      }
      if (await this.deps.isSyncRunning(key)) {
        // The running sync may have read delta before these changes: look again once it has ended.
        if (await this.rearm(key, state, etag, Math.max(this.deps.debounceMs, 1_000))) return 'waiting-for-sync';
        continue;
      }
      const released: DebounceState = {
        lastNotificationAtMs: state.lastNotificationAtMs,
        releasedArmId: message.armId,
      };
      if (!(await this.deps.store.write(key, released, etag))) continue;
      await this.deps.enqueueSync(key, 'notification');
      this.deps.log.info('notifications.sync_queued', { ...key, burstMs: waitedMs });
      return 'sync-queued';
    }
    throw new ConcurrentDebounceError();
  }

  private isPending(state: DebounceState, now: number): boolean {
    if (state.pendingSinceMs === undefined || state.armId === undefined) return false;
    return now - state.pendingSinceMs < this.deps.maxWaitMs + this.deps.debounceMs + STALE_PENDING_GRACE_MS;
  }

  private async rearm(key: SourceKey, state: DebounceState, etag: string | undefined, delayMs: number) {
    const armId = randomUUID();
    await this.deps.scheduleCheck({ kind: 'debounce-check', ...key, armId }, delayMs);
    return this.deps.store.write(key, { ...state, armId }, etag);
  }
}
