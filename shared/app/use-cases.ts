// Every use case of the app, by name, bound once to the composition root's adapters
// (composition-root.ts). A trigger in functions/ takes exactly one of these: it parses its input,
// calls the use case, and maps the result (docs/architecture.md, "Triggers and their use cases").
// Use cases that log take the invocation's logger as their last argument.
import { consoleLogger } from '../adapters/logging/logger.js';
import { actingAs, auditRecorder } from '../core/audit/audit-recorder.js';
import type { AuditEntry } from '../core/ports/credential-audit.js';
import type { SyncRun } from '../core/ports/sync-run-log.js';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Services } from './composition-root.js';
import type { Config } from './config.js';
import type { Logger } from '../adapters/logging/logger.js';
import type { SourceKey } from '../core/domain/source.js';
import { registerSecret } from '../core/logging/redact.js';
import { ALL_QUEUES, QUEUES, TABLES } from '../adapters/storage/names.js';
import { sendJson } from '../adapters/azure-queues/queue-writer.js';
import { GroupCommitQueue } from '../adapters/azure-queues/group-commit-queue.js';
import { poisonQueueOf } from '../adapters/azure-queues/poison-queue.js';
import { poisonInboxOf } from '../adapters/azure-queues/poison-inbox.js';
import { poisonOperations, type PoisonOperations } from '../core/operations/poison-messages.js';
import { deleteExpiredLeases } from '../adapters/azure-tables/expired-lease-cleanup.js';
import { storageAnswers } from '../adapters/storage/check-storage.js';
import { readFeed, type FeedQuery, type ReadFeedResult } from '../core/feed/read-feed.js';
import { getSourceStatus, listSourceStatuses } from '../core/sources/source-queries.js';
import type { SourceStatusView } from '../core/sources/source-status-view.js';
import {
  registerSource,
  type RegisterSourceResult,
  type RegisterSourceSettings,
} from '../core/sources/register-source.js';
import type { RegisterSourceBody } from '../core/sources/register-source-body.js';
import { requestSync } from '../core/sources/request-sync.js';
import { deleteSource, type DeleteSourceResult } from '../core/sources/delete-source.js';
import { confirmDeletes, type ConfirmDeletesResult } from '../core/sources/confirm-deletes.js';
import { openItemContent, type ItemContentResult } from '../core/sources/item-content.js';
import {
  listItemAttachments,
  openAttachmentContent,
  type AttachmentContentResult,
  type AttachmentListResult,
} from '../core/sources/item-attachments.js';
import type { ContentRequest } from '../core/ports/provider-ports.js';
import { startConnect, type ConnectStartQuery, type StartConnectResult } from '../core/connect/start-connect.js';
import {
  completeConnect,
  type CompleteConnectResult,
  type ConnectCallbackQuery,
} from '../core/connect/complete-connect.js';
import type { ConnectSettings } from '../core/connect/connect-settings.js';
import { ConnectStateSigner } from '../core/connect/signed-state.js';
import { handleNotificationsMessage } from '../core/notifications/notifications-queue-handler.js';
import type { NotificationItem, NotificationMessage } from '../core/notifications/notification-messages.js';
import { handleLifecycleMessage } from '../core/watch/lifecycle-queue-handler.js';
import { syncThenWatch } from '../core/watch/sync-then-watch.js';
import type { SyncJobResult } from '../core/sync/run-sync-job.js';
import { handleMaintenanceMessage } from '../core/maintenance/maintenance-queue-handler.js';
import type { MaintenanceReport } from '../core/maintenance/source-maintenance.js';
import { runMaintenanceTick, type MaintenanceTickReport } from '../core/maintenance/maintenance-tick.js';
import { WebhookReceiver } from '../providers/microsoft/webhooks/webhook-receiver.js';
import { handleWebhookRequest } from '../providers/microsoft/webhooks/webhook-http.js';
import { receiveGoogleNotification } from '../providers/google/webhooks/google-webhook.js';
import { openApiDocument, type OpenApiDocument } from './openapi/openapi-document.js';
import { deleteHook, getHook, registerHook, type RegisterHookResult } from '../core/hooks/hook-registration.js';
import type { HookStatusView, RegisterHookBody } from '../core/hooks/hook-record.js';
import { handleHookDelivery, type HookDeliveryOutcome } from '../core/hooks/hook-delivery.js';
import { hookDeliverySettings, hookTargetPolicy } from './hook-services.js';
import { connectorRunSettings } from './connector-services.js';
import {
  deleteConnector,
  getConnector,
  registerConnector,
  type ConnectorRegistrationDeps,
  type ConnectorStatus,
  type RegisterConnectorResult,
} from '../core/connectors/connector-registration.js';
import { handleConnectorRun, type ConnectorRunOutcome } from '../core/connectors/connector-run.js';
import { scheduleAllConnectors } from '../core/connectors/connector-notifier.js';
import { itemContentReader } from '../core/connectors/read-item-content.js';
import { SinkError } from '../core/ports/connector-ports.js';
import { OPENWEBUI_CONNECTOR_TYPE, type RegisterOpenWebUiBody } from '../integrations/openwebui/openwebui-connector.js';

/** A use case that needs settings which may be missing: the trigger answers 503 naming them. */
export type Configured<F> = { ok: true; run: F } | { ok: false; missing: string[] };

export interface UseCases {
  checkHealth(): Promise<boolean>;
  /** The OpenAPI 3.1 document of the HTTP routes (shared/app/openapi); no setting or secret in it. */
  describeApi(): OpenApiDocument;
  readFeed(kbId: string, query: FeedQuery): Promise<ReadFeedResult>;
  getSourceStatus(key: SourceKey): Promise<SourceStatusView | undefined>;
  listSourceStatuses(kbId: string): Promise<SourceStatusView[] | undefined>;
  registerSource(key: SourceKey, body: RegisterSourceBody): Promise<RegisterSourceResult>;
  requestSync(key: SourceKey): Promise<'queued' | 'not_found'>;
  deleteSource(key: SourceKey, log: Logger): Promise<DeleteSourceResult>;
  confirmDeletes(key: SourceKey, log: Logger): Promise<ConfirmDeletesResult>;
  openItemContent(key: SourceKey, itemId: string, request: ContentRequest): Promise<ItemContentResult>;
  listItemAttachments(key: SourceKey, itemId: string): Promise<AttachmentListResult>;
  openAttachmentContent(
    key: SourceKey,
    itemId: string,
    attachmentId: string,
    request: ContentRequest,
  ): Promise<AttachmentContentResult>;
  startConnect: Configured<(query: ConnectStartQuery, requestUrl: string) => Promise<StartConnectResult>>;
  completeConnect: Configured<(query: ConnectCallbackQuery, log: Logger) => Promise<CompleteConnectResult>>;
  /** The Microsoft provider's webhook routes: validation handshake, checks, enqueue (webhook-http.ts). */
  receiveGraphNotifications(request: HttpRequest, log: Logger): Promise<HttpResponseInit>;
  receiveGraphLifecycleNotifications(request: HttpRequest, log: Logger): Promise<HttpResponseInit>;
  /** The Google provider's route: Drive channel notifications, checked and enqueued (google-webhook.ts). */
  receiveGoogleNotifications(request: HttpRequest, log: Logger): Promise<HttpResponseInit>;
  handleNotifications(message: unknown, log: Logger): Promise<unknown>;
  handleLifecycleEvent(message: unknown, log: Logger): Promise<string>;
  /** One sync job, then the first watch of a webhook source once its initial crawl is done. */
  runSyncJob(message: unknown, log: Logger): Promise<SyncJobResult>;
  maintainSource(message: unknown, log: Logger): Promise<MaintenanceReport | 'poisoned'>;
  /** The timer's run: fan-out to maintenance-work, then bounded cleanups. */
  maintenanceTick(): Promise<MaintenanceTickReport & { connectorRunsQueued: number }>;
  /** PUT /kbs/{kbId}/hook: checks the URL, stores a new secret, (re-)enables the hook (core/hooks). */
  registerHook(kbId: string, body: RegisterHookBody): Promise<RegisterHookResult>;
  getHook(kbId: string): Promise<HookStatusView | undefined>;
  /** GET …/sources/{sourceId}/runs: the source's last sync runs; undefined when there is no such source. */
  listSyncRuns(key: SourceKey, limit: number): Promise<SyncRun[] | undefined>;
  /** GET …/sources/{sourceId}/audit: the source's credential operations, the newest first (kept after the source is removed). */
  listAudit(key: SourceKey, limit: number): Promise<AuditEntry[]>;
  /** Operators: list, replay and discard the work queues' poison messages (functions/poison-*.ts). */
  poison: PoisonOperations;
  deleteHook(kbId: string): Promise<'deleted' | 'not_found'>;
  /** One hook-delivery message: the signed POST, then the result, a retry or disabling. */
  deliverHook(message: unknown, log: Logger): Promise<HookDeliveryOutcome>;
  /** PUT /kbs/{kbId}/connectors/openwebui: checks the knowledge id with the key, stores the key, starts the connector. */
  registerOpenWebUiConnector: Configured<
    (kbId: string, body: RegisterOpenWebUiBody) => Promise<RegisterConnectorResult>
  >;
  getOpenWebUiConnector(kbId: string): Promise<ConnectorStatus | undefined>;
  deleteOpenWebUiConnector(kbId: string): Promise<'deleted' | 'not_found'>;
  /** One connector-run message: read the feed from the connector's cursor and apply it (core/connectors). */
  runConnector(message: unknown, log: Logger): Promise<ConnectorRunOutcome>;
}

export function buildUseCases(services: Omit<Services, 'useCases'>): UseCases {
  const { config, storage } = services;
  const leaseMs = config.sync.leaseSeconds * 1000;
  // One group-commit queue for every provider's webhook: the notifications worker coalesces items per
  // source whoever sent them.
  const enqueueNotifications = notificationsEnqueue(services);
  const receiver = webhookReceiver(services, enqueueNotifications);
  const findChannels = (ids: readonly string[]) => services.subscriptionLookup.findMany(ids);
  const maintenanceQueue = storage.queue(QUEUES.maintenanceWork);
  const connect = connectSettings(config);
  const registerSettings = registerSourceSettings(config);
  const hookRegistration = {
    hooks: services.hooks,
    secrets: services.hookSecrets,
    policy: hookTargetPolicy(config),
    resolve: services.hookResolver,
  };
  const deliverySettings = hookDeliverySettings(config);
  const connectorScheduler = { connectors: services.connectors, queue: services.connectorQueue, debounceMs: 0 };
  const { verifyOpenWebUi, openWebUiSinkFor } = services;
  const connectorRegistration: Omit<ConnectorRegistrationDeps, 'verify'> = {
    connectors: services.connectors,
    items: services.connectorItems,
    secrets: services.connectorSecrets,
    feed: services.feed,
    scheduler: connectorScheduler,
  };
  const contentDeps = { sources: services.sources, items: services.items, providers: services.providers };
  const maintenanceTick = () =>
    runMaintenanceTick({
      fanOut: {
        listSources: () => services.sources.listAll(),
        send: (message, delaySeconds) => sendJson(maintenanceQueue, message, { delaySeconds }),
      },
      deleteExpiredLeases: () => deleteExpiredLeases(storage.table(TABLES.leases)),
      connectStates: services.connectStates,
    });
  return {
    checkHealth: () => storageAnswers(storage),
    describeApi: openApiDocument,
    readFeed: (kbId, query) => readFeed(services, kbId, query),
    getSourceStatus: (key) => getSourceStatus(services.sources, key),
    listSourceStatuses: (kbId) => listSourceStatuses(services.sources, kbId),
    registerSource: (key, body) =>
      actingAs('host', () => registerSource({ ...services, config: registerSettings }, key, body)),
    requestSync: (key) => requestSync(services, key),
    deleteSource: (key, log) => actingAs('host', () => deleteSource({ ...services, leaseMs, log }, key)),
    confirmDeletes: (key, log) => confirmDeletes({ ...services, syncer: services.syncer(log), leaseMs }, key),
    openItemContent: (key, itemId, request) => openItemContent(services, key, itemId, request),
    listItemAttachments: (key, itemId) => listItemAttachments(services, key, itemId),
    openAttachmentContent: (key, itemId, attachmentId, request) =>
      openAttachmentContent(services, key, itemId, attachmentId, request),
    startConnect: connect.ok
      ? {
          ok: true,
          run: (query, requestUrl) =>
            actingAs('user', () =>
              startConnect(
                {
                  settings: connect.settings,
                  sources: services.sources,
                  states: services.connectStates,
                  oauth: services.oauthClients,
                  audit: auditRecorder(services.credentialAudit, consoleLogger({ component: 'connect' })),
                },
                query,
                requestUrl,
              ),
            ),
        }
      : connect,
    completeConnect: connect.ok
      ? {
          ok: true,
          run: (query, log) =>
            actingAs('user', () =>
              completeConnect(
                {
                  settings: connect.settings,
                  sources: services.sources,
                  states: services.connectStates,
                  tokens: services.tokens,
                  providers: services.providers,
                  syncJobs: services.syncJobs,
                  oauth: services.oauthClients,
                  log,
                  audit: auditRecorder(services.credentialAudit, log),
                },
                query,
              ),
            ),
        }
      : connect,
    receiveGraphNotifications: (request, log) =>
      handleWebhookRequest(request, 'changes', receiver, config.notifications.webhookMaxBodyBytes, log),
    receiveGraphLifecycleNotifications: (request, log) =>
      handleWebhookRequest(request, 'lifecycle', receiver, config.notifications.webhookMaxBodyBytes, log),
    receiveGoogleNotifications: (request, log) =>
      receiveGoogleNotification(request, { findChannels, enqueueNotifications }, log),
    handleNotifications: (message, log) =>
      handleNotificationsMessage(
        {
          sources: services.sources,
          coalescer: services.coalescer(log),
          forgetSubscription: (id) => services.subscriptionStore.delete(id),
          poisonQueue: poisonQueueOf(storage, QUEUES.graphNotifications),
          log,
        },
        message,
      ),
    handleLifecycleEvent: (message, log) =>
      handleLifecycleMessage(
        {
          watches: services.watches(log),
          enqueueSync: services.enqueueSync,
          poisonQueue: poisonQueueOf(storage, QUEUES.graphLifecycle),
          log,
        },
        message,
      ),
    runSyncJob: (message, log) =>
      actingAs('sync', () =>
        syncThenWatch(
          {
            syncer: services.syncer(log),
            syncJobs: services.syncJobs,
            poisonQueue: poisonQueueOf(storage, QUEUES.syncJobs),
            leaseSeconds: config.sync.leaseSeconds,
            runs: services.syncRuns,
            watches: services.watches(log),
            log,
          },
          message,
        ),
      ),
    maintainSource: (message, log) =>
      actingAs('maintenance', () =>
        handleMaintenanceMessage(
          { maintenance: services.maintenance(log), poisonQueue: poisonQueueOf(storage, QUEUES.maintenanceWork), log },
          message,
        ),
      ),
    maintenanceTick: async () => ({
      ...(await maintenanceTick()),
      // The safety net of the feed's hint: every active connector gets a run (a no-op when caught up).
      connectorRunsQueued: await scheduleAllConnectors(connectorScheduler),
    }),
    registerHook: (kbId, body) => registerHook(hookRegistration, kbId, body),
    getHook: (kbId) => getHook(hookRegistration, kbId),
    listAudit: (key, limit) => services.credentialAudit.list(key, limit),
    listSyncRuns: async (key, limit) =>
      (await services.sources.get(key)) ? services.syncRuns.list(key, limit) : undefined,
    poison: poisonOperations(poisonInboxOf(storage), ALL_QUEUES),
    deleteHook: (kbId) => deleteHook(hookRegistration, kbId),
    deliverHook: (message, log) =>
      handleHookDelivery(
        {
          hooks: services.hooks,
          secrets: services.hookSecrets,
          feed: services.feed,
          queue: services.hookQueue,
          transport: services.hookTransport,
          resolve: services.hookResolver,
          poisonQueue: poisonQueueOf(storage, QUEUES.hookDelivery),
          settings: deliverySettings,
          log,
        },
        message,
      ),
    registerOpenWebUiConnector:
      verifyOpenWebUi === undefined
        ? { ok: false, missing: ['OPENWEBUI_BASE_URL'] }
        : {
            ok: true,
            run: (kbId, body) =>
              registerConnector(
                { ...connectorRegistration, verify: (knowledgeId, apiKey) => verifyOpenWebUi(knowledgeId, apiKey) },
                kbId,
                OPENWEBUI_CONNECTOR_TYPE,
                { collectionId: body.knowledgeId, secret: body.apiKey },
              ),
          },
    getOpenWebUiConnector: (kbId) => getConnector(connectorRegistration, kbId, OPENWEBUI_CONNECTOR_TYPE),
    deleteOpenWebUiConnector: (kbId) => deleteConnector(connectorRegistration, kbId, OPENWEBUI_CONNECTOR_TYPE),
    runConnector: (message, log) =>
      handleConnectorRun(
        {
          connectors: services.connectors,
          items: services.connectorItems,
          secrets: services.connectorSecrets,
          feed: services.feed,
          leases: services.connectorLeases,
          queue: services.connectorQueue,
          sinkFor: (record, secret) => {
            if (!openWebUiSinkFor) {
              throw new SinkError('collection_gone', undefined, 'OPENWEBUI_BASE_URL is not set');
            }
            return openWebUiSinkFor(record, secret);
          },
          readContent: (kbId) => itemContentReader(contentDeps, kbId, config.openWebUi.maxFileBytes),
          poisonQueue: poisonQueueOf(storage, QUEUES.connectorWork),
          settings: connectorRunSettings(config),
          log,
          faults: services.connectorFaults,
        },
        message,
      ),
  };
}

/** What registration reads from config. */
export function registerSourceSettings(config: Config): RegisterSourceSettings {
  return {
    defaultPollIntervalSeconds: config.sync.defaultPollIntervalSeconds,
    publicBaseUrl: config.publicBaseUrl,
    syncLeaseSeconds: config.sync.leaseSeconds,
  };
}

/**
 * The webhook's receiver over the subscription cache and the two queues. Nothing here can reach the
 * provider or the token endpoint (docs/invariants.md, invariant 5).
 */
function webhookReceiver(
  services: Omit<Services, 'useCases'>,
  enqueueNotifications: (items: NotificationItem[]) => Promise<void>,
): WebhookReceiver {
  const lifecycleQueue = services.storage.queue(QUEUES.graphLifecycle);
  return new WebhookReceiver({
    findSubscriptions: (ids) => services.subscriptionLookup.findMany(ids),
    enqueueNotifications,
    enqueueLifecycle: (message) => sendJson(lifecycleQueue, message),
    ...(services.richNotifications ? { rich: services.richNotifications } : {}),
  });
}

/** Notification items onto the notifications queue, through a group-commit queue (group-commit-queue.ts). */
function notificationsEnqueue(services: Omit<Services, 'useCases'>): (items: NotificationItem[]) => Promise<void> {
  const notificationsQueue = services.storage.queue(QUEUES.graphNotifications);
  const notifications = new GroupCommitQueue<NotificationItem>((items) => {
    const message: NotificationMessage = { kind: 'notifications', items, receivedAt: new Date().toISOString() };
    return sendJson(notificationsQueue, message);
  });
  return (items) => notifications.add(items);
}

/**
 * What the connect flow needs from config, checked once: without any provider's client (MS_CLIENT_ID,
 * or GOOGLE_CLIENT_ID for a Google-only app) or a state key (CONNECT_STATE_SECRET) the routes answer
 * 503 naming the missing setting, never a 500. A source whose own provider is not configured fails at
 * /connect/start when its OAuth client is built (connect-start answers 503).
 */
function connectSettings(config: Config): { ok: true; settings: ConnectSettings } | { ok: false; missing: string[] } {
  const anyClient = Boolean(config.providers.microsoft.clientId ?? config.providers.google.clientId);
  const missing = [
    ...(anyClient ? [] : ['MS_CLIENT_ID']),
    ...(config.connect.stateSecret ? [] : ['CONNECT_STATE_SECRET']),
  ];
  if (!anyClient || !config.connect.stateSecret) return { ok: false, missing };
  registerSecret(config.connect.stateSecret);
  return {
    ok: true,
    settings: {
      signer: new ConnectStateSigner(config.connect.stateSecret),
      allowedOrigins: config.connect.returnToAllowlist,
      stateTtlMs: config.connect.stateTtlSeconds * 1000,
      publicBaseUrl: config.publicBaseUrl,
    },
  };
}
