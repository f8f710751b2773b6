// The whole sync engine on real parts: the sandbox tenant over HTTPS, the real Graph client, and
// the real Table Storage SDK on Azurite (fresh tables per harness).
import type { TableClient } from '@azure/data-tables';
import { expect } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox/sandbox.js';
import type { ChangeEvent } from '../../shared/core/domain/change-event.js';
import type { SourceKey, SourceRecord } from '../../shared/core/domain/source.js';
import type { FolderScope } from '../../shared/providers/microsoft/drive/drive-location.js';
import { ChangeFeedStore } from '../../shared/adapters/azure-tables/change-feed-store.js';
import { ItemStore } from '../../shared/adapters/azure-tables/item-store.js';
import { createProviderRegistry } from '../../shared/app/provider-registry.js';
import { SourceStore } from '../../shared/adapters/azure-tables/source-store.js';
import { TableLeaseStore } from '../../shared/adapters/azure-tables/table-lease.js';
import type { SandboxSettingsPatch } from '../../dev/sandbox/state/sandbox-settings.js';
import type { ProviderRegistry, TokenManager } from '../../shared/core/ports/provider-ports.js';
import { SourceSyncer, type SyncDependencies, type SyncFaultHook } from '../../shared/core/sync/sync-source.js';
import { SandboxTokenManager } from './sandbox-tokens.js';
import { sourceRecord } from './source-record.js';
import { freshTable } from './storage.js';
import { capturingLogger } from './logger.js';

export interface SyncHarness {
  sandbox: Sandbox;
  sources: SourceStore;
  /** The table under `sources` (tests that write rows in an older format). */
  sourcesTable: TableClient;
  items: ItemStore;
  feed: ChangeFeedStore;
  leases: TableLeaseStore;
  providers: ProviderRegistry;
  logLines: string[];
  syncer(
    faults?: SyncFaultHook,
    overrides?: {
      massDeleteMinItems?: number;
      massDeleteRatio?: number;
      flushSize?: number;
      leaseMs?: number;
      /** Another lease store (a test that simulates a process killed while holding the lease). */
      leases?: SyncDependencies['leases'];
      watchdog?: SyncDependencies['watchdog'];
    },
  ): SourceSyncer;
  register(input: {
    kbId?: string;
    sourceId?: string;
    driveId: string;
    scope?: FolderScope;
    filters?: SourceRecord['filters'];
  }): Promise<SourceRecord>;
  /** Any source type: the location as its provider's locationSchema takes it. */
  registerSource(input: {
    kbId?: string;
    sourceId?: string;
    type: string;
    location: Record<string, unknown>;
    filters?: SourceRecord['filters'];
  }): Promise<SourceRecord>;
  allEvents(kbId?: string): Promise<ChangeEvent[]>;
  stop(): Promise<void>;
}

export interface SyncHarnessOptions {
  /** The token manager the provider uses; by default app-only tokens from the sandbox. */
  tokens?: (sandbox: Sandbox) => Promise<TokenManager> | TokenManager;
  /** TEAMS_MIN_INTERVAL_MS_PER_THREAD for the Teams providers (1 s by default, as in production). */
  teamsMinIntervalMsPerThread?: number;
}

export async function startSyncHarness(
  settings: SandboxSettingsPatch = {},
  options: SyncHarnessOptions = {},
): Promise<SyncHarness> {
  const seed = process.env.SYNC_TEST_SEED ? Number(process.env.SYNC_TEST_SEED) : undefined;
  const sandbox = await startSandbox({ settings, ...(seed === undefined ? {} : { seed }) });
  const sourcesTable = await freshTable('sources');
  const sources = new SourceStore(sourcesTable);
  const items = new ItemStore(await freshTable('items'));
  const feed = new ChangeFeedStore(await freshTable('changes'), await freshTable('counters'));
  const leases = new TableLeaseStore(await freshTable('leases'), 'sync');
  const tokens = options.tokens ? await options.tokens(sandbox) : SandboxTokenManager.appOnly(sandbox);
  const providers = createProviderRegistry({
    graphBaseUrl: sandbox.graphBaseUrl,
    tokens,
    ...(options.teamsMinIntervalMsPerThread === undefined
      ? {}
      : { teamsMinIntervalMsPerThread: options.teamsMinIntervalMsPerThread }),
  });
  const logLines: string[] = [];
  const harness: SyncHarness = {
    sandbox,
    sources,
    sourcesTable,
    items,
    feed,
    leases,
    providers,
    logLines,
    syncer: (faults, overrides = {}) =>
      new SourceSyncer({
        sources,
        items,
        feed,
        leases: overrides.leases ?? leases,
        providers,
        log: capturingLogger(logLines),
        leaseMs: overrides.leaseMs ?? 30_000,
        massDeleteRatio: overrides.massDeleteRatio ?? 0.5,
        massDeleteMinItems: overrides.massDeleteMinItems ?? 100,
        // Write every page by default, so crash tests have fault points on every page.
        flushSize: overrides.flushSize ?? 1,
        faults,
        watchdog: overrides.watchdog,
      }),
    async register({ kbId = 'kb', sourceId = 'src', driveId, scope, filters = {} }) {
      const provider = providers.get('onedrive');
      const location = { drive: { driveId }, scope: scope ?? null };
      const record = sourceRecord({
        kbId,
        sourceId,
        location,
        resolvedLocation: await provider.resolveLocation({ kbId, sourceId }, location),
        filters,
        auth: 'app',
      });
      await sources.put(record);
      return record;
    },
    async registerSource({ kbId = 'kb', sourceId = 'src', type, location, filters = {} }) {
      const provider = providers.get(type);
      const parsed = provider.locationSchema.parse(location);
      const record = sourceRecord({
        kbId,
        sourceId,
        type,
        location: parsed,
        resolvedLocation: await provider.resolveLocation({ kbId, sourceId }, parsed),
        filters,
        auth: 'app',
      });
      await sources.put(record);
      return record;
    },
    allEvents: (kbId = 'kb') => readWholeFeed(feed, kbId),
    stop: () => sandbox.stop(),
  };
  return harness;
}

/** Every event of a knowledge base's feed, from the start. */
export async function readWholeFeed(feed: Pick<ChangeFeedStore, 'read'>, kbId: string): Promise<ChangeEvent[]> {
  const out: ChangeEvent[] = [];
  let after = '';
  for (;;) {
    const page = await feed.read(kbId, after, 1000);
    out.push(...page.events);
    after = page.nextCursor;
    if (!page.hasMore) return out;
  }
}

/** "op itemId path content|meta" lines, the form scenario tests compare. */
export function describeEvents(events: readonly ChangeEvent[]): string[] {
  return events.map(
    (e) => `${e.op} ${e.path ?? '?'}${e.op === 'upsert' ? (e.contentChanged ? ' content' : ' meta') : ''}`,
  );
}

/**
 * Folds a feed the way docs/api.md tells hosts to: keep the last event per item, a delete removes
 * the item. A host downloads an item whose kept event says contentChanged.
 */
export function foldFeed(events: readonly ChangeEvent[]): Map<string, ChangeEvent> {
  const latest = new Map<string, ChangeEvent>();
  for (const event of events) {
    latest.delete(event.itemId);
    if (event.op === 'upsert') latest.set(event.itemId, event);
  }
  return latest;
}

/**
 * Runs one sync (writing every 3 items) that must complete, and answers the events it added to the
 * feed since `seen.count` in describeEvents form, sorted; `seen.count` moves past them.
 */
export async function syncAndTakeNewEvents(h: SyncHarness, key: SourceKey, seen: { count: number }): Promise<string[]> {
  const outcome = await h.syncer(undefined, { flushSize: 3 }).run(key);
  expect(outcome.status).toBe('synced');
  const all = await h.allEvents(key.kbId);
  const fresh = all.slice(seen.count);
  seen.count = all.length;
  return describeEvents(fresh).sort();
}
