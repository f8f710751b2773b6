// Builds the change-notification use cases (coalescer, watch manager, lifecycle handling,
// per-source maintenance) from the composition root's services. Rebuilt whenever those services are
// replaced. `graphClock` is the provider's notion of time for watch expiry and maintenance schedules:
// the real clock in production; tests that move the sandbox clock install the sandbox's.
import { getServices, type Services } from './composition-root.js';
import type { SourceKey } from '../core/domain/source.js';
import type { Logger } from '../adapters/logging/logger.js';
import { sendJson } from '../adapters/azure-queues/queue-writer.js';
import type { SyncJobMessage } from '../core/queue/messages.js';
import { QUEUES, TABLES } from '../adapters/storage/names.js';
import { TableLeaseStore } from '../adapters/azure-tables/table-lease.js';
import { WatchManager } from '../core/watch/watch-manager.js';
import { SubscriptionStore } from '../adapters/azure-tables/subscription-store.js';
import { syncLeaseKey } from '../core/sync/sync-source.js';
import { MaintenanceMarksStore } from '../adapters/azure-tables/maintenance-marks.js';
import { SourceMaintenance } from '../core/maintenance/source-maintenance.js';
import { DebounceStore } from '../adapters/azure-tables/debounce-store.js';
import { SyncCoalescer } from '../core/notifications/sync-coalescer.js';
import { subscriptionLookupFor } from './webhook-services.js';

/** Lease scope of subscription create/renew in the `leases` table. */
export const SUBSCRIPTION_LEASE_SCOPE = 'subscription';

export interface NotificationServices {
  services: Services;
  subscriptionStore: SubscriptionStore;
  /** Per-source rows that removing a source deletes (delete-source.ts). */
  debounceStore: DebounceStore;
  maintenanceMarks: MaintenanceMarksStore;
  coalescer(log: Logger): SyncCoalescer;
  watches(log: Logger): WatchManager;
  maintenance(log: Logger): SourceMaintenance;
  enqueueSync: (key: SourceKey, reason: SyncJobMessage['reason']) => Promise<void>;
}

export interface NotificationServiceOptions {
  graphClock?: () => number;
}

export function buildNotificationServices(
  services: Services,
  options: NotificationServiceOptions = {},
): NotificationServices {
  const { config, storage } = services;
  const graphClock = options.graphClock ?? Date.now;
  // Every write to a subscription row clears the webhook's cached answer for that id in this process,
  // so a subscription created here is recognised at once (subscription-lookup.ts).
  const webhookLookup = subscriptionLookupFor(services);
  const subscriptionStore = new SubscriptionStore(storage.table(TABLES.subscriptions), (id) =>
    webhookLookup.forget(id),
  );
  const subscriptionLeases = new TableLeaseStore(storage.table(TABLES.leases), SUBSCRIPTION_LEASE_SCOPE);
  const debounceStore = new DebounceStore(storage.table(TABLES.leases));
  const marks = new MaintenanceMarksStore(storage.table(TABLES.leases));
  const enqueueSync = (key: SourceKey, reason: SyncJobMessage['reason']) => services.syncJobs.enqueue(key, reason);

  const watches = (log: Logger) =>
    new WatchManager({
      sources: services.sources,
      watches: subscriptionStore,
      providers: services.providers,
      leases: subscriptionLeases,
      enqueueSync,
      publicBaseUrl: config.publicBaseUrl,
      renewBeforeMinutes: config.subscriptionRenewBeforeMinutes,
      checkIntervalMinutes: config.subscriptionCheckIntervalMinutes,
      log,
      now: graphClock,
    });

  return {
    services,
    subscriptionStore,
    debounceStore,
    maintenanceMarks: marks,
    enqueueSync,
    watches,
    coalescer: (log) =>
      new SyncCoalescer({
        store: debounceStore,
        isSyncRunning: (key) => services.syncLeases.isHeld(syncLeaseKey(key)),
        enqueueSync,
        scheduleCheck: (message, delayMs) =>
          sendJson(storage.queue(QUEUES.graphNotifications), message, { delaySeconds: delayMs / 1000 }),
        debounceMs: config.notificationDebounceMs,
        maxWaitMs: config.notificationMaxWaitMs,
        log,
      }),
    maintenance: (log) =>
      new SourceMaintenance({
        sources: services.sources,
        watches: watches(log),
        marks,
        tokens: services.tokens,
        enqueueSync,
        safetyNetIntervalMinutes: config.safetyNetIntervalMinutes,
        tokenKeepAliveDays: config.tokenKeepAliveDays,
        defaultPollIntervalSeconds: config.defaultPollIntervalSeconds,
        log,
        now: graphClock,
      }),
  };
}

let options: NotificationServiceOptions = {};
let cached: { for: Services; built: NotificationServices } | undefined;

export function getNotificationServices(): NotificationServices {
  const services = getServices();
  if (cached?.for !== services) cached = { for: services, built: buildNotificationServices(services, options) };
  return cached.built;
}

/** Tests: run watch expiry and maintenance on another clock (the sandbox's). */
export function setNotificationServiceOptions(replacement: NotificationServiceOptions): void {
  options = replacement;
  cached = undefined;
}
