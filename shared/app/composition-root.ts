// The composition root: builds the real adapters once per process, from config. Functions ask it for
// what they need; tests build their own from their config (Azurite connection string, sandbox URLs)
// with `buildServices`, then install them with `setServices`.
import { getConfig, type Config } from './config.js';
import { ChangeFeedStore } from '../adapters/azure-tables/change-feed-store.js';
import type { SourceKey } from '../core/domain/source.js';
import { ItemStore } from '../adapters/azure-tables/item-store.js';
import { consoleLogger, type Logger } from '../adapters/logging/logger.js';
import { registerSecret } from '../core/logging/redact.js';
import { createProviderRegistry } from './provider-registry.js';
import { StorageSyncJobQueue } from '../adapters/azure-queues/sync-job-queue.js';
import { SourceStore } from '../adapters/azure-tables/source-store.js';
import { TABLES } from '../adapters/storage/names.js';
import { createStorageClients, type StorageClients } from '../adapters/storage/storage-clients.js';
import { TableLeaseStore } from '../adapters/azure-tables/table-lease.js';
import type { ProviderRegistry, TokenManager } from '../core/ports/provider-ports.js';
import { SourceSyncer } from '../core/sync/sync-source.js';
import { createTokenManager } from './create-token-manager.js';
import type { AppOnlyTokenGrants } from '../core/tokens/refreshing-token-manager.js';
import type { OAuthClientRegistry } from '../core/ports/oauth-client.js';
import { createOAuthClientRegistry } from './oauth-clients.js';

/** Lease scope of "one sync per source" in the `leases` table (the token manager uses its own). */
export const SYNC_LEASE_SCOPE = 'sync';

export type AppTokenManager = TokenManager & AppOnlyTokenGrants;

export interface Services {
  config: Config;
  storage: StorageClients;
  sources: SourceStore;
  items: ItemStore;
  feed: ChangeFeedStore;
  /** Sync leases (scope SYNC_LEASE_SCOPE, keys from `syncLeaseKey`). */
  syncLeases: TableLeaseStore;
  syncJobs: StorageSyncJobQueue;
  tokens: AppTokenManager;
  /** The OAuth client of each source type (token refresh and the connect flow). */
  oauthClients: OAuthClientRegistry;
  providers: ProviderRegistry;
  /** A syncer that logs through `log` (a queue invocation's logger); cheap to build per invocation. */
  syncer(log?: Logger): SourceSyncer;
}

export interface ServiceOverrides {
  /** Replaces the token manager built from config (tests that need a clock or fault hooks). */
  tokens?: AppTokenManager;
  /** Replaces the storage clients (tests map table and queue names to per-test ones). */
  storage?: StorageClients;
}

export function buildServices(config: Config, overrides: ServiceOverrides = {}): Services {
  registerSecret(config.clientSecret);
  registerSecret(config.localTokenKeys);
  const storage = overrides.storage ?? createStorageClients(config.storage);
  const sources = new SourceStore(storage.table(TABLES.sources));
  const items = new ItemStore(storage.table(TABLES.items));
  const feed = new ChangeFeedStore(storage.table(TABLES.changes), storage.table(TABLES.changeCounters));
  const syncLeases = new TableLeaseStore(storage.table(TABLES.leases), SYNC_LEASE_SCOPE);
  const oauthClients = createOAuthClientRegistry(config);
  // Every source type today signs in through the Microsoft client, so one manager serves them all; a
  // provider with another OAuth client gets its own manager over oauthClients.get(itsType).
  const tokens =
    overrides.tokens ??
    lazyTokenManager(() => createTokenManager(config, storage, { client: oauthClients.get('onedrive') }));
  const providers = createProviderRegistry({ graphBaseUrl: config.graphBaseUrl, tokens, tenantId: config.tenantId });
  const defaultLog = consoleLogger({ component: 'sync' });
  const syncJobs = new StorageSyncJobQueue(storage);
  const watchdog = { arm: (key: SourceKey, delaySeconds: number) => syncJobs.armWatchdog(key, delaySeconds) };
  return {
    config,
    storage,
    sources,
    items,
    feed,
    syncLeases,
    syncJobs,
    tokens,
    oauthClients,
    providers,
    syncer: (log = defaultLog) =>
      new SourceSyncer({
        sources,
        items,
        feed,
        leases: syncLeases,
        providers,
        log,
        leaseMs: config.syncLeaseSeconds * 1000,
        massDeleteRatio: config.massDeleteRatio,
        massDeleteMinItems: config.massDeleteMinItems,
        watchdog,
      }),
  };
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

let services: Services | undefined;

/** Replaces the process-wide services (local host and tests use it after changing settings). */
export function setServices(replacement: Services | undefined): void {
  services = replacement;
}
