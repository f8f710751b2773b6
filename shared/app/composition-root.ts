// The composition root: builds the real adapters and every use case once per process, from config.
// Triggers (functions/*.ts) take one named use case from `getServices().useCases` (use-cases.ts);
// tests build their own from their config (Azurite connection string, sandbox URLs) with
// `buildServices`, then install them with `setServices`.
import { TableCredentialAudit } from '../adapters/azure-tables/audit-store.js';
import { TableSyncRunLog } from '../adapters/azure-tables/sync-run-store.js';
import { getConfig, type Config } from './config.js';
import { ChangeFeedStore } from '../adapters/azure-tables/change-feed-store.js';
import type { SourceKey } from '../core/domain/source.js';
import type { ChangeFeed } from '../core/ports/change-feed.js';
import { ItemStore } from '../adapters/azure-tables/item-store.js';
import { consoleLogger, type Logger } from '../adapters/logging/logger.js';
import { registerSecret } from '../core/logging/redact.js';
import { createProviderRegistry } from './provider-registry.js';

/**
 * The registration body of the source types this app wires (each provider's location schema), for
 * the PUT trigger to parse with: which types exist is the composition's decision.
 */
export { registerSourceBodySchema } from './provider-registry.js';
import { StorageSyncJobQueue } from '../adapters/azure-queues/sync-job-queue.js';
import { SourceStore } from '../adapters/azure-tables/source-store.js';
import { QUEUES, TABLES } from '../adapters/storage/names.js';
import { createStorageClients, type StorageClients } from '../adapters/storage/storage-clients.js';
import { TableLeaseStore } from '../adapters/azure-tables/table-lease.js';
import type { ProviderRegistry, TokenManager } from '../core/ports/provider-ports.js';
import { SourceSyncer, syncLeaseKey } from '../core/sync/sync-source.js';
import { createTokenManager } from './create-token-manager.js';
import type { AppOnlyTokenGrants } from '../core/tokens/refreshing-token-manager.js';
import type { OAuthClientRegistry } from '../core/ports/oauth-client.js';
import { createOAuthClientRegistry } from './oauth-clients.js';
import { SubscriptionStore } from '../adapters/azure-tables/subscription-store.js';
import { DebounceStore } from '../adapters/azure-tables/debounce-store.js';
import { MaintenanceMarksStore } from '../adapters/azure-tables/maintenance-marks.js';
import { ConnectStateStore } from '../adapters/azure-tables/connect-state-store.js';
import { SubscriptionLookup } from '../core/watch/watch-lookup.js';
import { WatchManager } from '../core/watch/watch-manager.js';
import { SyncCoalescer } from '../core/notifications/sync-coalescer.js';
import { SourceMaintenance } from '../core/maintenance/source-maintenance.js';
import { sendJson } from '../adapters/azure-queues/queue-writer.js';
import type { SyncJobMessage } from '../core/queue/messages.js';
import { buildUseCases, type UseCases } from './use-cases.js';
import { buildHookServices, type HookOverrides, type HookServices } from './hook-services.js';
import { notifyingFeed, onFeedAdvanced } from '../core/hooks/hook-notifier.js';
import { buildConnectorServices, type ConnectorOverrides, type ConnectorServices } from './connector-services.js';
import { onFeedAdvancedForConnectors } from '../core/connectors/connector-notifier.js';
import { OPENWEBUI_CONNECTOR_TYPE } from '../integrations/openwebui/openwebui-connector.js';
import {
  buildRichNotificationServices,
  type RichNotificationOverrides,
  type RichNotificationServices,
} from './notification-key-services.js';

/** Lease scope of "one sync per source" in the `leases` table (the token manager uses its own). */
export const SYNC_LEASE_SCOPE = 'sync';
/** Lease scope of subscription create/renew in the `leases` table. */
export const SUBSCRIPTION_LEASE_SCOPE = 'subscription';

export type AppTokenManager = TokenManager & AppOnlyTokenGrants;

export interface Services extends HookServices, ConnectorServices {
  config: Config;
  storage: StorageClients;
  sources: SourceStore;
  items: ItemStore;
  feed: ChangeFeedStore;
  /** The feed the syncer appends through: each append that adds events schedules the KB's push and connector runs. */
  notifyingFeed: ChangeFeed;
  /** Sync leases (scope SYNC_LEASE_SCOPE, keys from `syncLeaseKey`). */
  syncLeases: TableLeaseStore;
  /** The sync history of each source. */
  syncRuns: TableSyncRunLog;
  /** The credential audit log of each source (the token manager writes it too). */
  credentialAudit: TableCredentialAudit;
  syncJobs: StorageSyncJobQueue;
  tokens: AppTokenManager;
  /** The OAuth client of each source type (token refresh and the connect flow). */
  oauthClients: OAuthClientRegistry;
  providers: ProviderRegistry;
  /** Watch rows; every write clears the webhook's cached answer for that id in this process. */
  subscriptionStore: SubscriptionStore;
  /** The webhook's cache over subscription rows (core/watch/watch-lookup.ts). */
  subscriptionLookup: SubscriptionLookup;
  /** Per-source rows that removing a source deletes (delete-source.ts). */
  debounceStore: DebounceStore;
  maintenanceMarks: MaintenanceMarksStore;
  connectStates: ConnectStateStore;
  /** Rich Teams notifications' key ring and token verifier; undefined when they are off. */
  richNotifications: RichNotificationServices | undefined;
  enqueueSync(key: SourceKey, reason: SyncJobMessage['reason']): Promise<void>;
  /** Per-invocation builders: each logs through `log` (a queue or HTTP invocation's logger). */
  syncer(log?: Logger): SourceSyncer;
  watches(log: Logger): WatchManager;
  coalescer(log: Logger): SyncCoalescer;
  maintenance(log: Logger): SourceMaintenance;
  /** Every use case by name: what the triggers call. */
  useCases: UseCases;
}

export interface ServiceOverrides extends HookOverrides, ConnectorOverrides, RichNotificationOverrides {
  /** Replaces the token manager built from config (tests that need a clock or fault hooks). */
  tokens?: AppTokenManager;
  /** Replaces the storage clients (tests map table and queue names to per-test ones). */
  storage?: StorageClients;
  /**
   * The provider's notion of time for watch expiry and maintenance schedules: the real clock in
   * production; tests that move the sandbox clock pass the sandbox's.
   */
  graphClock?: () => number;
}

export function buildServices(config: Config, overrides: ServiceOverrides = {}): Services {
  registerSecret(config.providers.microsoft.clientSecret);
  registerSecret(config.providers.google.clientSecret);
  registerSecret(config.tokens.localTokenKeys);
  const graphClock = overrides.graphClock ?? Date.now;
  const storage = overrides.storage ?? createStorageClients(config.storage);
  const sources = new SourceStore(storage.table(TABLES.sources));
  const items = new ItemStore(storage.table(TABLES.items));
  const feed = new ChangeFeedStore(storage.table(TABLES.changes), storage.table(TABLES.changeCounters));
  const syncLeases = new TableLeaseStore(storage.table(TABLES.leases), SYNC_LEASE_SCOPE);
  const oauthClients = createOAuthClientRegistry(config);
  // One manager for every source type: a grant is stored with its source type's OAuth client and names
  // it, so its refreshes go to that client (core/tokens/refreshing-token-manager.ts). Grants that name
  // no client (stored before, or by tests) are the Microsoft client's.
  const tokens =
    overrides.tokens ??
    lazyTokenManager(() =>
      createTokenManager(config, storage, { client: oauthClients.get('onedrive'), clients: oauthClients }),
    );
  const richNotifications = buildRichNotificationServices(config, storage, overrides);
  const providers = createProviderRegistry({
    graphBaseUrl: config.providers.microsoft.graphBaseUrl,
    tokens,
    tenantId: config.providers.microsoft.tenantId,
    mailWatchMaxLifetimeMinutes: config.providers.microsoft.mailWatchMaxLifetimeMinutes,
    mailMaxConcurrentPerMailbox: config.providers.microsoft.mailMaxConcurrentPerMailbox,
    teamsWatchMaxLifetimeMinutes: config.providers.microsoft.teamsWatchMaxLifetimeMinutes,
    teamsMinIntervalMsPerThread: config.providers.microsoft.teamsMinIntervalMsPerThread,
    ...(richNotifications ? { teamsNotificationKeys: richNotifications.keys } : {}),
    google: {
      driveRootUrl: config.providers.google.driveRootUrl,
      watchMaxLifetimeMs: config.providers.google.watchMaxLifetimeMs,
    },
  });
  const defaultLog = consoleLogger({ component: 'sync' });
  const syncJobs = new StorageSyncJobQueue(storage);
  const watchdog = { arm: (key: SourceKey, delaySeconds: number) => syncJobs.armWatchdog(key, delaySeconds) };
  const enqueueSync = (key: SourceKey, reason: SyncJobMessage['reason']) => syncJobs.enqueue(key, reason);
  // The webhook's cache and the app's own subscription writes share one lookup, so a subscription
  // created here is recognised at once (core/watch/watch-lookup.ts).
  const subscriptionLookup = new SubscriptionLookup(new SubscriptionStore(storage.table(TABLES.subscriptions)));
  const subscriptionStore = new SubscriptionStore(storage.table(TABLES.subscriptions), (id) =>
    subscriptionLookup.forget(id),
  );
  const subscriptionLeases = new TableLeaseStore(storage.table(TABLES.leases), SUBSCRIPTION_LEASE_SCOPE);
  const debounceStore = new DebounceStore(storage.table(TABLES.leases));
  const maintenanceMarks = new MaintenanceMarksStore(storage.table(TABLES.leases));
  const connectStates = new ConnectStateStore(storage.table(TABLES.connectStates));
  const hookServices = buildHookServices(config, storage, overrides);
  // What the syncer appends through: every append that adds events schedules the KB's push (core/hooks).
  const notifyHook = (kbId: string) =>
    onFeedAdvanced(
      { hooks: hookServices.hooks, queue: hookServices.hookQueue, debounceMs: config.hooks.debounceMs },
      kbId,
    );
  const connectorServices = buildConnectorServices(config, storage, overrides);
  const connectorTypes = config.openWebUi.baseUrl ? [OPENWEBUI_CONNECTOR_TYPE] : [];
  const notifyConnectors = (kbId: string) =>
    onFeedAdvancedForConnectors(
      {
        connectors: connectorServices.connectors,
        queue: connectorServices.connectorQueue,
        debounceMs: config.openWebUi.debounceMs,
        types: connectorTypes,
      },
      kbId,
    );
  // Both hints are tried; one failing does not keep the other from being scheduled.
  const notifyFeedAdvanced = async (kbId: string) => {
    const results = await Promise.allSettled([notifyHook(kbId), notifyConnectors(kbId)]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const hookedFeed = notifyingFeed(feed, notifyFeedAdvanced, defaultLog);

  const watches = (log: Logger) =>
    new WatchManager({
      sources,
      watches: subscriptionStore,
      providers,
      leases: subscriptionLeases,
      enqueueSync,
      publicBaseUrl: config.publicBaseUrl,
      renewBeforeMinutes: config.watches.renewBeforeMinutes,
      checkIntervalMinutes: config.watches.checkIntervalMinutes,
      log,
      now: graphClock,
    });

  const services: Omit<Services, 'useCases'> = {
    ...hookServices,
    ...connectorServices,
    config,
    storage,
    sources,
    items,
    feed,
    notifyingFeed: hookedFeed,
    syncLeases,
    syncJobs,
    tokens,
    oauthClients,
    providers,
    subscriptionStore,
    subscriptionLookup,
    debounceStore,
    maintenanceMarks,
    connectStates,
    richNotifications,
    syncRuns: new TableSyncRunLog(storage.table(TABLES.syncRuns), config.sync.historyRuns),
    credentialAudit: new TableCredentialAudit(storage.table(TABLES.audit), config.audit.retentionMs),
    enqueueSync,
    syncer: (log = defaultLog) =>
      new SourceSyncer({
        sources,
        items,
        feed: notifyingFeed(feed, notifyFeedAdvanced, log),
        leases: syncLeases,
        providers,
        log,
        leaseMs: config.sync.leaseSeconds * 1000,
        massDeleteRatio: config.sync.massDeleteRatio,
        massDeleteMinItems: config.sync.massDeleteMinItems,
        watchdog,
      }),
    watches,
    coalescer: (log) =>
      new SyncCoalescer({
        store: debounceStore,
        isSyncRunning: (key) => syncLeases.isHeld(syncLeaseKey(key)),
        enqueueSync,
        scheduleCheck: (message, delayMs) =>
          sendJson(storage.queue(QUEUES.graphNotifications), message, { delaySeconds: delayMs / 1000 }),
        debounceMs: config.notifications.debounceMs,
        maxWaitMs: config.notifications.maxWaitMs,
        log,
      }),
    maintenance: (log) =>
      new SourceMaintenance({
        sources,
        watches: watches(log),
        marks: maintenanceMarks,
        tokens,
        enqueueSync,
        safetyNetIntervalMinutes: config.maintenance.safetyNetIntervalMinutes,
        tokenKeepAliveDays: config.maintenance.tokenKeepAliveDays,
        defaultPollIntervalSeconds: config.sync.defaultPollIntervalSeconds,
        log,
        now: graphClock,
      }),
  };
  return { ...services, useCases: buildUseCases(services) };
}

/**
 * Builds the token manager on first use: it needs MS_CLIENT_ID, and a process that never touches a
 * token (the health probe, a misconfigured app answering /api/health) must still start.
 */
function lazyTokenManager(create: () => AppTokenManager): AppTokenManager {
  let built: AppTokenManager | undefined;
  const get = () => (built ??= create());
  return {
    getAccessToken: (source) => get().getAccessToken(source),
    invalidateAccessToken: (source, accessToken) => get().invalidateAccessToken(source, accessToken),
    storeGrant: (source, grant) => get().storeGrant(source, grant),
    storeAppOnlyGrant: (source, grant) => get().storeAppOnlyGrant(source, grant),
    revoke: (source) => get().revoke(source),
  };
}

export function getServices(): Services {
  services ??= buildServices(getConfig());
  return services;
}

/** The named use cases of the process-wide services: the one thing a trigger asks for. */
export function useCases(): UseCases {
  return getServices().useCases;
}

let services: Services | undefined;

/** Replaces the process-wide services (local host and tests use it after changing settings). */
export function setServices(replacement: Services | undefined): void {
  services = replacement;
}
