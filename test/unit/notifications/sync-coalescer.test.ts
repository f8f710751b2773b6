// The coalescer's decisions with an in-memory ETag store and a hand-moved clock (pure logic; the
// Azurite-backed store and the queues are exercised end to end in test/e2e/notifications).
import { describe, expect, test } from 'vitest';
import type { DebounceState, StoredDebounceState } from '../../../shared/core/ports/debounce-state-repository.js';
import type { DebounceCheckMessage } from '../../../shared/core/notifications/notification-messages.js';
import { SyncCoalescer } from '../../../shared/core/notifications/sync-coalescer.js';
import { quietLogger } from '../../support/logger.js';

const key = { kbId: 'kb', sourceId: 'src' };

function harness(options: { debounceMs?: number; maxWaitMs?: number } = {}) {
  let row: { state: DebounceState; version: number } | undefined;
  let now = 1_000_000;
  const checks: { message: DebounceCheckMessage; dueAt: number }[] = [];
  const syncs: string[] = [];
  let syncRunning = false;
  let failNextSync = false;
  const coalescer = new SyncCoalescer({
    store: {
      read: async (): Promise<StoredDebounceState> =>
        row ? { state: { ...row.state }, etag: String(row.version) } : { state: {}, etag: undefined },
      write: async (_key, state, etag) => {
        if ((row ? String(row.version) : undefined) !== etag) return false;
        row = { state: { ...state }, version: (row?.version ?? 0) + 1 };
        return true;
      },
    },
    isSyncRunning: async () => syncRunning,
    enqueueSync: async (_key, reason) => {
      if (failNextSync) {
        failNextSync = false;
        throw new Error('queue unavailable');
      }
      syncs.push(reason);
    },
    scheduleCheck: async (message, delayMs) => {
      checks.push({ message, dueAt: now + delayMs });
    },
    debounceMs: options.debounceMs ?? 2_000,
    maxWaitMs: options.maxWaitMs ?? 10_000,
    log: quietLogger,
    now: () => now,
  });
  /** Delivers every check message that is due by `until`, in order, moving the clock to each. */
  async function runChecks(until: number) {
    for (;;) {
      checks.sort((a, b) => a.dueAt - b.dueAt);
      const next = checks[0];
      if (!next || next.dueAt > until) break;
      checks.shift();
      now = Math.max(now, next.dueAt);
      await coalescer.onCheck(next.message);
    }
    now = Math.max(now, until);
  }
  return {
    coalescer,
    syncs,
    checks,
    runChecks,
    advance: (ms: number) => (now += ms),
    get now() {
      return now;
    },
    setSyncRunning: (running: boolean) => (syncRunning = running),
    failNextSync: () => (failNextSync = true),
  };
}

describe('SyncCoalescer', () => {
  test('duplicates within the debounce make one sync', async () => {
    const h = harness();
    expect(await h.coalescer.onNotification(key)).toBe('armed');
    expect(await h.coalescer.onNotification(key)).toBe('absorbed');
    h.advance(300);
    expect(await h.coalescer.onNotification(key)).toBe('absorbed');
    await h.runChecks(h.now + 10_000);
    expect(h.syncs).toEqual(['notification']);
  });

  test('the sync waits until the source has been quiet for the debounce', async () => {
    const h = harness({ debounceMs: 2_000 });
    await h.coalescer.onNotification(key);
    h.advance(1_500);
    await h.coalescer.onNotification(key);
    await h.runChecks(h.now + 1_000); // first check at +2 s finds only 0.5 s of quiet
    expect(h.syncs).toEqual([]);
    await h.runChecks(h.now + 2_000);
    expect(h.syncs).toEqual(['notification']);
  });

  test('a steady stream is synced at least every max wait, and 1,000 notifications in 10 s make at most 3 syncs', async () => {
    const h = harness({ debounceMs: 2_000, maxWaitMs: 10_000 });
    const start = h.now;
    for (let i = 0; i < 1_000; i++) {
      await h.runChecks(start + i * 10);
      await h.coalescer.onNotification(key);
    }
    await h.runChecks(h.now + 30_000);
    expect(h.syncs.length).toBeGreaterThanOrEqual(1);
    expect(h.syncs.length).toBeLessThanOrEqual(3);
  });

  test('notifications during a running sync get one follow-up after it ends', async () => {
    const h = harness();
    h.setSyncRunning(true);
    await h.coalescer.onNotification(key);
    await h.runChecks(h.now + 10_000);
    expect(h.syncs).toEqual([]);
    h.setSyncRunning(false);
    await h.runChecks(h.now + 5_000);
    expect(h.syncs).toEqual(['notification']);
  });

  test('a notification after the burst was handed to a sync arms a new burst', async () => {
    const h = harness();
    await h.coalescer.onNotification(key);
    await h.runChecks(h.now + 5_000);
    expect(await h.coalescer.onNotification(key)).toBe('armed');
    await h.runChecks(h.now + 5_000);
    expect(h.syncs).toEqual(['notification', 'notification']);
  });

  test('if queueing the sync fails, the retried check still queues it', async () => {
    const h = harness();
    await h.coalescer.onNotification(key);
    const check = h.checks[0]!.message;
    h.checks.length = 0;
    h.advance(3_000);
    h.failNextSync();
    await expect(h.coalescer.onCheck(check)).rejects.toThrow('queue unavailable');
    expect(await h.coalescer.onCheck(check)).toBe('sync-queued');
    expect(h.syncs).toEqual(['notification']);
  });

  test('a stale check message is ignored', async () => {
    const h = harness();
    await h.coalescer.onNotification(key);
    const stale: DebounceCheckMessage = { kind: 'debounce-check', ...key, armId: 'not-the-current-arm' };
    expect(await h.coalescer.onCheck(stale)).toBe('stale');
    expect(h.syncs).toEqual([]);
  });
});
