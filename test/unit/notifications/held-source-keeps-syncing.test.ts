// A source whose deletes are held keeps syncing (docs/sync-engine.md): maintenance still queues its
// polls and safety-net deltas, its notifications still reach the coalescer, and its watch is
// still kept. Pure decisions over in-memory stand-ins (the stores are exercised on Azurite elsewhere).
import { describe, expect, test } from 'vitest';
import type { SourceKey, SourceRecord } from '../../../shared/core/domain/source.js';
import { SourceMaintenance } from '../../../shared/core/maintenance/source-maintenance.js';
import { handleNotificationsMessage } from '../../../shared/core/notifications/notifications-queue-handler.js';
import { WatchManager } from '../../../shared/core/watch/watch-manager.js';
import type { ProviderRegistry, SyncProvider } from '../../../shared/core/ports/provider-ports.js';
import type { WatchSource } from '../../../shared/core/ports/watch-source.js';
import { driveWatchPolicy } from '../../../shared/providers/microsoft/webhooks/graph-watch-policy.js';
import { memoryWatchStore } from '../../support/memory-watch-store.js';
import { sourceRecord } from '../../support/source-record.js';
import { quietLogger } from '../../support/logger.js';

const key: SourceKey = { kbId: 'kb', sourceId: 'src' };
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const DAY_AGO = new Date(NOW - 86_400_000).toISOString();

function sourcesHolding(initial: SourceRecord) {
  let record = initial;
  return {
    get: async () => ({ record, etag: '1' }),
    update: async (_key: SourceKey, change: (current: SourceRecord) => SourceRecord | undefined) => {
      record = change(record) ?? record;
      return record;
    },
  };
}

function maintenanceFor(source: SourceRecord, wantsSubscription: boolean) {
  const queued: string[] = [];
  const maintenance = new SourceMaintenance({
    sources: sourcesHolding(source),
    watches: { wantsWatch: () => wantsSubscription, maintain: async () => 'current' },
    marks: { read: async () => ({}), mark: async () => undefined },
    tokens: { getAccessToken: async () => 'access' },
    enqueueSync: async (_key, reason) => {
      queued.push(reason);
    },
    safetyNetIntervalMinutes: 60,
    tokenKeepAliveDays: 7,
    defaultPollIntervalSeconds: 900,
    log: quietLogger,
    now: () => NOW,
  });
  return { maintenance, queued };
}

describe('a held source', () => {
  test('is polled when due', async () => {
    const { maintenance, queued } = maintenanceFor(sourceRecord({ state: 'held', lastSyncAt: DAY_AGO }), false);
    expect(await maintenance.run(key)).toMatchObject({ queued: 'poll' });
    expect(queued).toEqual(['poll']);
  });

  test('gets its safety-net delta in webhook mode', async () => {
    const source = sourceRecord({ state: 'held', mode: 'webhook', lastSyncAt: DAY_AGO });
    const { maintenance, queued } = maintenanceFor(source, true);
    expect(await maintenance.run(key)).toMatchObject({ queued: 'safety-net' });
    expect(queued).toEqual(['safety-net']);
  });

  test('hands its notifications to the coalescer', async () => {
    const notified: SourceKey[] = [];
    const outcome = await handleNotificationsMessage(
      {
        sources: sourcesHolding(sourceRecord({ state: 'held' })),
        coalescer: {
          onNotification: async (source) => {
            notified.push(source);
            return 'armed';
          },
          onCheck: async () => 'stale',
        },
        forgetSubscription: async () => undefined,
        poisonQueue: undefined as never,
        log: quietLogger,
      },
      {
        kind: 'notifications',
        items: [{ ...key, subscriptionId: 'sub-1', count: 1 }],
        receivedAt: new Date(NOW).toISOString(),
      },
    );
    expect(outcome).toBe('armed');
    expect(notified).toEqual([key]);
  });

  test('keeps a subscription', async () => {
    const { rows, store: watches } = memoryWatchStore();
    const watch = {
      policy: driveWatchPolicy,
      webhookName: 'graph',
      create: async () => ({ watchId: 'sub-1', expiresAt: new Date(NOW + 86_400_000).toISOString() }),
    } as unknown as WatchSource;
    const provider = { watch } as unknown as SyncProvider;
    const providers: ProviderRegistry = { get: () => provider };
    const manager = new WatchManager({
      sources: sourcesHolding(sourceRecord({ state: 'held', mode: 'webhook' })),
      watches,
      providers,
      leases: { tryAcquire: async () => ({ release: async () => undefined }) as never },
      enqueueSync: async () => undefined,
      publicBaseUrl: 'https://kbsync.example',
      renewBeforeMinutes: 60,
      checkIntervalMinutes: 60,
      log: quietLogger,
      now: () => NOW,
    });
    expect(await manager.maintain(key)).toBe('created');
    expect([...rows.keys()]).toEqual(['sub-1']);
  });
});
