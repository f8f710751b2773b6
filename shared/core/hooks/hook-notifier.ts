// The feed's side of push (docs/api.md, "Push to the host"): after an append, the KB's hook row gets
// one scheduled delivery unless it already has one, so a burst of appends (a crawl writes a page of
// events per flush) ends in one POST with the newest head cursor. The schedule is a delayed message on
// the hook-delivery queue (HOOK_DEBOUNCE_MS), so it survives restarts and works across instances; the
// row changes only with compare-and-swap.
//
// Why a notification is not lost: an append either finds a delivery scheduled, whose worker clears
// the schedule before it reads the head cursor (hook-delivery.ts), so it reads a head that includes
// this append; or it schedules one itself. Push is a hint: if scheduling fails, the append still
// stands (the error is logged) and the host's own reads of the feed see the events.
import { randomUUID } from 'node:crypto';
import type { ChangeFeed } from '../ports/change-feed.js';
import type { HookDeliveryQueue, HookRepository } from '../ports/hook-ports.js';
import type { Logger } from '../ports/logger.js';
import type { HookRecord } from './hook-record.js';

export interface HookNotifierDeps {
  hooks: Pick<HookRepository, 'get' | 'write'>;
  queue: HookDeliveryQueue;
  debounceMs: number;
  now?: () => number;
}

export type FeedAdvancedOutcome = 'no-hook' | 'disabled' | 'absorbed' | 'scheduled';

/** A schedule this long past its due time lost its message (a poisoned delivery): schedule again. */
export const STALE_SCHEDULE_GRACE_MS = 10 * 60_000;
const MAX_ATTEMPTS = 20;

export function hasLiveSchedule(record: HookRecord, nowMs: number): boolean {
  return record.scheduledId !== undefined && nowMs < (record.scheduledDueMs ?? 0) + STALE_SCHEDULE_GRACE_MS;
}

export async function onFeedAdvanced(deps: HookNotifierDeps, kbId: string): Promise<FeedAdvancedOutcome> {
  const now = deps.now ?? Date.now;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await deps.hooks.get(kbId);
    if (!stored) return 'no-hook';
    const { record, etag } = stored;
    if (record.state !== 'active') return 'disabled';
    const nowMs = now();
    if (hasLiveSchedule(record, nowMs)) return 'absorbed';
    const deliveryId = randomUUID();
    // The message first: if the write then loses, the message is stale and ignored.
    await deps.queue.schedule({ kind: 'hook-delivery', kbId, deliveryId }, deps.debounceMs);
    const scheduled = { ...record, scheduledId: deliveryId, scheduledDueMs: nowMs + deps.debounceMs };
    if (await deps.hooks.write(scheduled, etag)) return 'scheduled';
  }
  throw new Error('the hook row kept changing; the feed append stands, this push is skipped');
}

/** The feed, telling the hook path after every append that added events. */
export function notifyingFeed<F extends ChangeFeed>(
  feed: F,
  notify: (kbId: string) => Promise<unknown>,
  log: Logger,
): ChangeFeed {
  return {
    read: (kbId, after, limit) => feed.read(kbId, after, limit),
    head: (kbId) => feed.head(kbId),
    deleteSourceEvents: (kbId, sourceId) => feed.deleteSourceEvents(kbId, sourceId),
    append: async (kbId, bodies) => {
      const events = await feed.append(kbId, bodies);
      if (events.length > 0) {
        await notify(kbId).catch((error: unknown) =>
          log.warn('hook.schedule_failed', { kbId, error: error instanceof Error ? error.message : String(error) }),
        );
      }
      return events;
    },
  };
}
