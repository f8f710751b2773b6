// The whole notification path on one machine: the sandbox tenant (Graph, subscriptions, token
// endpoint), the local Functions host serving the real function definitions (sources API, sync job,
// both webhooks, the three workers and the Open WebUI connector's routes and worker) with PUBLIC_BASE_URL pointing at itself, and per-test queue
// and table names on the shared Azurite. The maintenance timer is not scheduled: tests run it with
// `runMaintenance()`, which calls the timer's own handler, so "the next maintenance run" is explicit.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access,
   @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument */
import { randomBytes } from 'node:crypto';
import { freePort } from '../../../dev/azurite/azurite-process.js';
import { createInvocationContext } from '../../../dev/host/invocation-context.js';
import { startLocalHost, type RunningLocalHost } from '../../../dev/host/local-host.js';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import { SubscriptionsControl } from '../../../dev/sandbox/subscriptions/subscriptions-control.js';
import { changes } from '../../../functions/changes.js';
import { lifecycleWorker } from '../../../functions/lifecycle-worker.js';
import { maintenanceTimer } from '../../../functions/maintenance-timer.js';
import { maintenanceWorker } from '../../../functions/maintenance-worker.js';
import { notificationsWorker } from '../../../functions/notifications-worker.js';
import { sourcesDelete } from '../../../functions/sources-delete.js';
import { sourcesGet } from '../../../functions/sources-get.js';
import { sourcesPut } from '../../../functions/sources-put.js';
import { syncJob } from '../../../functions/sync-job.js';
import { webhookGraph } from '../../../functions/webhook-graph.js';
import { webhookLifecycle } from '../../../functions/webhook-lifecycle.js';
import { webhookGoogle } from '../../../functions/webhook-google.js';
import { connectStart } from '../../../functions/connect-start.js';
import { connectCallback } from '../../../functions/connect-callback.js';
import { sourcesSync } from '../../../functions/sources-sync.js';
import { sourcesRuns } from '../../../functions/sources-runs.js';
import { sourcesAudit } from '../../../functions/sources-audit.js';
import { itemContent } from '../../../functions/item-content.js';
import { itemAttachments } from '../../../functions/item-attachments.js';
import { attachmentContent } from '../../../functions/attachment-content.js';
import { connectorWorker } from '../../../functions/connector-worker.js';
import { poisonList, poisonSummary } from '../../../functions/poison-list.js';
import { poisonDiscard, poisonReplay } from '../../../functions/poison-message.js';
import { openWebUiConnectorDelete } from '../../../functions/openwebui-connector-delete.js';
import { openWebUiConnectorGet } from '../../../functions/openwebui-connector-get.js';
import { openWebUiConnectorPut } from '../../../functions/openwebui-connector-put.js';
import {
  googleSandboxAppSettings,
  startGoogleSandbox,
  type GoogleSandbox,
} from '../../../dev/sandbox/google/google-sandbox.js';
import { buildServices, setServices, type Services } from '../../../shared/app/composition-root.js';
import type { FunctionDefinition } from '../../../shared/app/function-definitions.js';
import { createTokenManager } from '../../../shared/app/create-token-manager.js';
import { createOAuthClientRegistry } from '../../../shared/app/oauth-clients.js';
import { createAppStorage, isolatedStorage, type IsolatedStorage } from '../../support/isolated-storage.js';
import { storageConnectionString } from '../../support/storage.js';
import { sandboxAppConfig } from '../../integration/api/api-test-bed.js';
import { waitFor } from '../../support/host-wait.js';
import { recordContract } from '../../support/contract-recorder.js';

/** Imported at the top of each test file: its answers are checked against the OpenAPI document after its tests. */
const contract = recordContract();

export interface NotificationsTestBed {
  sandbox: Sandbox;
  /** Started with `{ google: true }`: the app's Google client, Drive and channels point at it. */
  google: GoogleSandbox | undefined;
  subscriptionsControl: SubscriptionsControl;
  host: RunningLocalHost;
  services: Services;
  storage: IsolatedStorage;
  logLines: string[];
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string }>;
  /** The same with the host's master key (the operations routes). */
  callAdmin(method: string, path: string): Promise<{ status: number; json: any; text: string }>;
  adminKey: string;
  /** Registers a webhook source on a new business drive and waits until its subscription exists. */
  registerWebhookSource(kbId: string): Promise<{ driveId: string; rootId: string; subscriptionId: string }>;
  /** Every change event of the KB, in feed order. */
  feed(kbId: string): Promise<any[]>;
  waitForEvent(kbId: string, predicate: (event: any) => boolean, timeoutMs?: number): Promise<any>;
  /** One maintenance run: the timer's handler, then until the maintenance-work queue is drained. */
  runMaintenance(): Promise<void>;
  /** Delta requests the sandbox has served for a drive. */
  deltaRequests(driveId: string): Promise<number>;
  /** sync_job.done log lines with their reasons. */
  syncReasons(kbId: string): string[];
  stop(): Promise<void>;
}

export interface NotificationsTestBedOptions {
  /**
   * Also run the Google sandbox and wire the app to it (GOOGLE_* settings, the Google webhook, the
   * connect flow). The app's clock is then the Google sandbox's.
   */
  google?: boolean;
}

export async function startNotificationsTestBed(
  env: Record<string, string> = {},
  options: NotificationsTestBedOptions = {},
): Promise<NotificationsTestBed> {
  const sandbox = await startSandbox();
  const subscriptionsControl = new SubscriptionsControl(sandbox.baseUrl);
  const port = await freePort();
  const storage = isolatedStorage(storageConnectionString());
  await createAppStorage(storage);
  const google = options.google
    ? await startGoogleSandbox({ redirectUris: [`http://127.0.0.1:${port}/api/connect/callback`] })
    : undefined;
  const config = sandboxAppConfig(sandbox, {
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    NOTIFICATION_DEBOUNCE_MS: '500',
    ...(google
      ? {
          ...googleSandboxAppSettings(google),
          CONNECT_STATE_SECRET: randomBytes(32).toString('base64url'),
          CONNECT_RETURN_TO_ALLOWLIST: 'http://localhost:3000',
        }
      : {}),
    ...env,
  });
  // The provider's clock is the sandbox's: expiry, maintenance schedules and token lifetimes follow
  // it when a test moves it forward.
  const graphClock = google ? () => google.control.now() : () => sandbox.context.clock.now();
  // Every wired source type's OAuth client, as the composition root gives them (Google's too).
  const oauthClients = createOAuthClientRegistry(config);
  const tokens = createTokenManager(config, storage, {
    now: graphClock,
    client: oauthClients.get('onedrive'),
    clients: oauthClients,
  });
  const services = buildServices(config, { storage, tokens, graphClock });
  setServices(services);

  const functionKey = randomBytes(24).toString('base64url');
  const adminKey = randomBytes(24).toString('base64url');
  const logLines: string[] = [];
  const onPrefixedQueue = (definition: FunctionDefinition): FunctionDefinition =>
    definition.kind === 'queue' ? { ...definition, queueName: storage.queueName(definition.queueName) } : definition;
  const host = await startLocalHost({
    definitions: [
      sourcesPut,
      sourcesGet,
      sourcesDelete,
      sourcesRuns,
      sourcesAudit,
      changes,
      syncJob,
      webhookGraph,
      webhookLifecycle,
      notificationsWorker,
      lifecycleWorker,
      maintenanceWorker,
      itemContent,
      itemAttachments,
      attachmentContent,
      // Inert without OPENWEBUI_BASE_URL (the routes answer 503, no connector is ever scheduled).
      openWebUiConnectorPut,
      openWebUiConnectorGet,
      openWebUiConnectorDelete,
      connectorWorker,
      poisonSummary,
      poisonList,
      poisonReplay,
      poisonDiscard,
      sourcesSync,
      ...(google ? [webhookGoogle, connectStart, connectCallback] : []),
    ].map(onPrefixedQueue),
    port,
    storageConnectionString: storageConnectionString(),
    functionKey,
    adminKey,
    hostJson: { maxPollingIntervalMs: 200, visibilityTimeoutMs: 500 },
    log: (line) => logLines.push(line),
    onResponse: contract.record,
  });

  async function call(method: string, path: string, body?: unknown, key = functionKey) {
    const response = await fetch(`${host.baseUrl}/api/${path}`, {
      method,
      headers: { 'x-functions-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  }

  async function feed(kbId: string): Promise<any[]> {
    const events: any[] = [];
    let after = '';
    for (let page = 0; page < 100; page++) {
      const answer = await call('GET', `kbs/${kbId}/changes?limit=500${after ? `&after=${after}` : ''}`);
      if (answer.status !== 200) throw new Error(`changes answered ${answer.status}: ${answer.text}`);
      const items: any[] = answer.json.events;
      events.push(...items);
      if (!answer.json.hasMore || !answer.json.nextCursor) break;
      after = encodeURIComponent(answer.json.nextCursor);
    }
    return events;
  }

  const bed: NotificationsTestBed = {
    sandbox,
    google,
    subscriptionsControl,
    host,
    services,
    storage,
    logLines,
    call,
    callAdmin: (method, path) => call(method, path, undefined, adminKey),
    adminKey,
    feed,
    async registerWebhookSource(kbId) {
      const { driveId, rootId } = await sandbox.control.createDrive({
        driveType: 'business',
        ownerUserId: sandbox.defaultUserId,
      });
      await sandbox.control.createFile(driveId, rootId, 'seed.txt', 'seed');
      const { refreshToken } = await sandbox.control.issueRefreshToken({
        userId: sandbox.defaultUserId,
        scopes: ['Files.Read.All', 'offline_access'],
      });
      const put = await call('PUT', `kbs/${kbId}/sources/src`, { type: 'onedrive', drive: { driveId }, refreshToken });
      if (put.status !== 201) throw new Error(`register answered ${put.status}: ${put.text}`);
      const subscriptionId = await waitFor('the subscription', async () => {
        const status = await call('GET', `kbs/${kbId}/sources/src`);
        const id = (await services.sources.get({ kbId, sourceId: 'src' }))?.record.subscriptionId;
        return status.json?.lastSyncResult === 'ok' && id ? id : undefined;
      });
      // The closing delta after subscribing ('resubscribed') has run too.
      await waitFor('the resubscribed sync', () => bed.syncReasons(kbId).includes('resubscribed'));
      return { driveId, rootId, subscriptionId };
    },
    async waitForEvent(kbId, predicate, timeoutMs = 20_000) {
      return waitFor('an event in the feed', async () => (await feed(kbId)).find(predicate), {
        timeoutMs,
        intervalMs: 100,
      });
    },
    async runMaintenance() {
      const context = createInvocationContext({
        functionName: 'maintenance-timer',
        triggerType: 'timerTrigger',
        sink: (line) => logLines.push(line),
      });
      const timer = {
        isPastDue: false,
        schedule: { adjustForDST: false },
        scheduleStatus: { last: '', next: '', lastUpdated: '' },
      };
      await maintenanceTimer.handler(timer, context);
      const queue = storage.queue('maintenance-work');
      await waitFor(
        'maintenance-work drained',
        async () => {
          const properties = await queue.getProperties();
          return properties.approximateMessagesCount === 0;
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
    },
    async deltaRequests(driveId) {
      const log = await sandbox.control.requestLog();
      return log.filter((entry) => entry.path.includes(driveId) && entry.path.includes('delta')).length;
    },
    syncReasons(kbId) {
      return logLines
        .filter((line) => line.includes('sync_job.done') && line.includes(kbId))
        .map((line) => /"reason":"([^"]+)"/.exec(line)?.[1] ?? '?');
    },
    async stop() {
      await host.stop();
      await sandbox.stop();
      await google?.stop();
      setServices(undefined);
    },
  };
  return bed;
}
