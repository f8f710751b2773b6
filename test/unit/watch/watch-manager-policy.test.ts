// The watch manager follows the provider's watch policy (ports/watch-source.ts): expiry from the
// policy's lifetime, renewal in place or by replacement, reauthorization only where supported, a
// lifecycle URL only where lifecycle events exist, callback URLs on the provider's own webhook route,
// and a secret within the provider's limit whose digest alone is stored. Pure decisions over in-memory
// stand-ins with a provider that is not Microsoft's (the stores and Graph are exercised elsewhere).
import { describe, expect, test } from 'vitest';
import type { SourceKey, SourceRecord } from '../../../shared/core/domain/source.js';
import { NotFoundError } from '../../../shared/core/domain/errors.js';
import type { SyncProvider } from '../../../shared/core/ports/provider-ports.js';
import type { WatchHandle, WatchPolicy, WatchRequest, WatchSource } from '../../../shared/core/ports/watch-source.js';
import { WatchManager } from '../../../shared/core/watch/watch-manager.js';
import { watchSecretDigest } from '../../../shared/core/watch/watch-secret.js';
import { memoryWatchStore } from '../../support/memory-watch-store.js';
import { sourceRecord } from '../../support/source-record.js';
import { quietLogger } from '../../support/logger.js';

const key: SourceKey = { kbId: 'kb', sourceId: 'src' };
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const HOUR = 3_600_000;

const basePolicy: WatchPolicy = {
  maxLifetimeMs: () => 24 * HOUR,
  expiryMarginMs: HOUR,
  renewal: 'renew-in-place',
  reauthorizeSupported: true,
  lifecycleEvents: ['removed'],
  maxSecretLength: 256,
};

/** A provider's watch that records every call; ids are w1, w2, … */
class RecordingWatch implements WatchSource {
  readonly webhookName = 'memo';
  readonly calls: string[] = [];
  readonly created: WatchRequest[] = [];
  renewAnswer: 'ok' | 'gone' = 'ok';
  private next = 1;

  constructor(readonly policy: WatchPolicy) {}

  async create(_source: SourceRecord, request: WatchRequest) {
    this.calls.push('create');
    this.created.push(request);
    const n = this.next++;
    // A resource id like Google's, which stopping the watch needs besides its id.
    return { watchId: `w${n}`, resource: `r${n}`, expiresAt: request.expiresAt };
  }

  async renew(_source: SourceRecord, watchId: string, expiresAt: string) {
    this.calls.push(`renew ${watchId} ${expiresAt}`);
    if (this.renewAnswer === 'gone') throw new NotFoundError('watch gone');
    return { watchId, expiresAt };
  }

  async reauthorize(_source: SourceRecord, watchId: string) {
    this.calls.push(`reauthorize ${watchId}`);
  }

  async delete(_source: SourceRecord, { watchId, resource }: WatchHandle) {
    this.calls.push(`delete ${watchId} ${resource}`);
  }
}

function managerFor(watch: WatchSource | undefined, initial: Partial<SourceRecord> = {}) {
  let record = sourceRecord({ mode: 'webhook', ...initial });
  const { rows, store: watches } = memoryWatchStore();
  const synced: string[] = [];
  const provider = { watch } as unknown as SyncProvider;
  const manager = new WatchManager({
    sources: {
      get: async () => ({ record, etag: '1' }),
      update: async (_key, change) => {
        record = change(record) ?? record;
        return record;
      },
    },
    watches,
    providers: { get: () => provider },
    leases: { tryAcquire: async () => ({ release: async () => undefined }) as never },
    enqueueSync: async (_key, reason) => {
      synced.push(reason);
    },
    publicBaseUrl: 'https://kbsync.example/',
    renewBeforeMinutes: 120,
    checkIntervalMinutes: 24 * 60,
    log: quietLogger,
    now: () => NOW,
  });
  return { manager, rows, synced, source: () => record };
}

/** A manager whose source already has watch w1, expiring within the renewal window. */
async function withExpiringWatch(policy: WatchPolicy) {
  const watch = new RecordingWatch(policy);
  const setup = managerFor(watch);
  expect(await setup.manager.maintain(key)).toBe('created');
  const row = setup.rows.get('w1')!;
  setup.rows.set('w1', { ...row, expiresAt: new Date(NOW + HOUR).toISOString() });
  watch.calls.length = 0;
  setup.synced.length = 0;
  return { ...setup, watch };
}

describe('creating a watch', () => {
  test('asks for the policy lifetime less its margin, on the provider route, with a lifecycle URL', async () => {
    const watch = new RecordingWatch(basePolicy);
    const { manager, rows, synced, source } = managerFor(watch);
    expect(await manager.maintain(key)).toBe('created');
    expect(watch.created).toHaveLength(1);
    const request = watch.created[0]!;
    expect(request.expiresAt).toBe(new Date(NOW + 23 * HOUR).toISOString());
    expect(request.callbackUrl).toBe('https://kbsync.example/api/webhooks/memo');
    expect(request.lifecycleUrl).toBe('https://kbsync.example/api/webhooks/memo/lifecycle');
    // Only the digest of the secret the provider got is stored.
    expect(rows.get('w1')).toMatchObject({
      secretSha256: watchSecretDigest(request.secret),
      expiresAt: request.expiresAt,
    });
    expect(JSON.stringify([...rows.values()])).not.toContain(request.secret);
    expect(source()).toMatchObject({ subscriptionId: 'w1', subscriptionExpiresAt: request.expiresAt });
    expect(synced).toEqual(['resubscribed']);
  });

  test('gives no lifecycle URL to a provider that sends no lifecycle events', async () => {
    const watch = new RecordingWatch({ ...basePolicy, lifecycleEvents: [] });
    await managerFor(watch).manager.maintain(key);
    expect(watch.created[0]).not.toHaveProperty('lifecycleUrl');
  });

  test('uses the lifetime the policy gives for this source', async () => {
    const watch = new RecordingWatch({
      ...basePolicy,
      maxLifetimeMs: (source) => (source.type === 'sharepoint' ? 48 * HOUR : 24 * HOUR),
    });
    await managerFor(watch, { type: 'sharepoint' }).manager.maintain(key);
    expect(watch.created[0]!.expiresAt).toBe(new Date(NOW + 47 * HOUR).toISOString());
  });

  test('refuses a provider whose secret limit is too short for a safe secret', async () => {
    const watch = new RecordingWatch({ ...basePolicy, maxSecretLength: 16 });
    await expect(managerFor(watch).manager.maintain(key)).rejects.toThrow(/at most 16 characters/);
    expect(watch.calls).toEqual([]);
  });

  test('a source whose provider cannot watch gets none (and so is polled)', async () => {
    const { manager } = managerFor(undefined);
    expect(manager.wantsWatch(sourceRecord({ mode: 'webhook' }))).toBe(false);
    expect(await manager.maintain(key)).toBe('not-webhook');
  });
});

describe('extending a watch', () => {
  test('the periodic check renews a renew-in-place watch, but never replaces a recreate-only one early', async () => {
    for (const renewal of ['renew-in-place', 'recreate'] as const) {
      const watch = new RecordingWatch({ ...basePolicy, renewal });
      const { manager, rows } = managerFor(watch);
      expect(await manager.maintain(key)).toBe('created');
      // Far from expiry, but last checked two days ago: the check is due.
      const row = rows.get('w1')!;
      rows.set('w1', { ...row, checkedAt: new Date(NOW - 48 * HOUR).toISOString() });
      watch.calls.length = 0;
      const outcome = await manager.maintain(key);
      if (renewal === 'recreate') {
        expect(outcome).toBe('current');
        expect(watch.calls).toEqual([]);
      } else {
        expect(outcome).toBe('renewed');
        expect(watch.calls).toHaveLength(1);
      }
    }
  });

  test('renew-in-place moves the expiry of the same watch, with no extra sync', async () => {
    const { manager, watch, rows, synced } = await withExpiringWatch(basePolicy);
    expect(await manager.maintain(key)).toBe('renewed');
    expect(watch.calls).toEqual([`renew w1 ${new Date(NOW + 23 * HOUR).toISOString()}`]);
    expect(rows.get('w1')?.expiresAt).toBe(new Date(NOW + 23 * HOUR).toISOString());
    expect(synced).toEqual([]);
  });

  test('a renewal answered "gone" recreates the watch and syncs once to close the gap', async () => {
    const { manager, watch, rows, synced, source } = await withExpiringWatch(basePolicy);
    watch.renewAnswer = 'gone';
    expect(await manager.maintain(key)).toBe('recreated');
    expect(source().subscriptionId).toBe('w2');
    expect([...rows.keys()]).toEqual(['w2']);
    expect(synced).toEqual(['resubscribed']);
  });

  test('recreate replaces the watch: the new one first, then the old one stopped, no extra sync', async () => {
    const { manager, watch, rows, synced, source } = await withExpiringWatch({ ...basePolicy, renewal: 'recreate' });
    expect(await manager.maintain(key)).toBe('renewed');
    expect(watch.calls).toEqual(['create', 'delete w1 r1']);
    expect(source().subscriptionId).toBe('w2');
    expect([...rows.keys()]).toEqual(['w2']);
    // The two watches overlapped, so no change fell in between.
    expect(synced).toEqual([]);
  });
});

describe('reauthorization', () => {
  test('is asked of a provider that supports it', async () => {
    const { manager, watch } = await withExpiringWatch(basePolicy);
    expect(await manager.reauthorize(key, 'w1')).toBe('reauthorized');
    expect(watch.calls).toEqual(['reauthorize w1']);
  });

  test('becomes a renewal where the provider does not support it', async () => {
    const { manager, watch } = await withExpiringWatch({ ...basePolicy, reauthorizeSupported: false });
    expect(await manager.reauthorize(key, 'w1')).toBe('renewed');
    expect(watch.calls).toEqual([`renew w1 ${new Date(NOW + 23 * HOUR).toISOString()}`]);
  });

  test('becomes a replacement where the provider neither reauthorizes nor renews', async () => {
    const policy: WatchPolicy = { ...basePolicy, reauthorizeSupported: false, renewal: 'recreate' };
    const { manager, watch } = await withExpiringWatch(policy);
    expect(await manager.reauthorize(key, 'w1')).toBe('renewed');
    expect(watch.calls).toEqual(['create', 'delete w1 r1']);
  });
});
