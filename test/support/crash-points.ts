// Crash-at-every-step helpers for sync tests: a fault hook that throws at the n-th fault point, a
// retry loop that runs a syncer until it converges, and what a host folding the feed would hold.
import { expect } from 'vitest';
import type { ChangeEvent } from '../../shared/core/domain/change-event.js';
import type { SourceKey } from '../../shared/core/domain/source.js';
import type { SourceSyncer, SyncFaultHook } from '../../shared/core/sync/sync-source.js';

export class InjectedCrash extends Error {}

/** Throws at the n-th fault point (1-based), once. */
export function crashAt(n: number): { hook: SyncFaultHook; hit: () => boolean } {
  let calls = 0;
  let fired = false;
  return {
    hook: () => {
      calls++;
      if (calls === n && !fired) {
        fired = true;
        throw new InjectedCrash(`injected crash at fault point ${n}`);
      }
    },
    hit: () => fired,
  };
}

/** Folds a feed into the items the host would hold: path by item id. */
export function hostView(events: readonly ChangeEvent[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of events) {
    if (e.op === 'delete') files.delete(e.itemId);
    else files.set(e.itemId, e.path ?? '');
  }
  return files;
}

/** Every repeated event carries the same id as its first occurrence: same change, same id. */
export function expectRepeatsShareIds(events: readonly ChangeEvent[]) {
  const idByChange = new Map<string, string>();
  for (const e of events) {
    const change = JSON.stringify([e.itemId, e.op, e.path, e.eTag, e.contentChanged, e.quickXorHash, e.contentHash]);
    const first = idByChange.get(change);
    if (first) expect(e.eventId).toBe(first);
    else idByChange.set(change, e.eventId);
  }
}

/** Runs syncs (the first with `faults`) until one completes; an injected crash is retried. */
export async function runUntilSynced(
  h: { syncer(faults?: SyncFaultHook): SourceSyncer },
  key: SourceKey,
  faults?: SyncFaultHook,
) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const outcome = await h.syncer(attempt === 0 ? faults : undefined).run(key);
      if (outcome.status === 'synced') return outcome;
    } catch (error) {
      if (!(error instanceof InjectedCrash)) throw error;
    }
  }
  throw new Error('did not converge');
}
