// npm run bench:webhooks — acknowledgement latency of POST /api/webhooks/graph through the local host
// against Azurite, at 100 and 500 requests/s for BENCH_SECONDS (default 30) each, beside a floor
// measured in the same run: a bare handler on the same host that only enqueues the same message.
// The load generator is open-loop (requests start on schedule, not when the previous one ends),
// bounded in count (rate × seconds) and time, and talks only to 127.0.0.1.
// Goal: webhook p99 ≤ 1.5 × floor p99, and zero 5xx. Then one maintenance fan-out over
// BENCH_FANOUT_SOURCES (default 10,000) sources: how long the timer's share of a run takes.
// Amplification: BENCH_AMPLIFICATION_POSTS (default 20) anonymous POSTs, each carrying 1,000
// notifications for unknown subscriptionIds, against a naive receiver in the same run that reads the
// table once per notification: median time per POST and subscriptions-table reads (counted on the
// real SDK client), for the same 1,000 ids replayed and for fresh ids every POST.
import { randomBytes, randomUUID } from 'node:crypto';
import { startAzurite } from '../dev/azurite/azurite-process.js';
import { startLocalHost } from '../dev/host/local-host.js';
import { webhookGraph } from '../functions/webhook-graph.js';
import { buildServices, setServices } from '../shared/app/composition-root.js';
import { loadConfig } from '../shared/app/config.js';
import { countingTableReads, newTableReadCounter } from '../test/support/counting-table.js';
import { sourceRecord } from '../test/support/source-record.js';
import type { SourceRecord } from '../shared/core/domain/source.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { fanOutMaintenance } from '../shared/core/maintenance/maintenance-fan-out.js';
import { handleWebhookRequest } from '../shared/providers/microsoft/webhooks/webhook-http.js';
import { WebhookReceiver } from '../shared/providers/microsoft/webhooks/webhook-receiver.js';
import { sendJson } from '../shared/adapters/azure-queues/queue-writer.js';
import type { HttpFunctionDefinition } from '../shared/app/function-definitions.js';
import { ensureStorage } from '../shared/adapters/storage/ensure-storage.js';
import { QUEUES, TABLES } from '../shared/adapters/storage/names.js';
import { watchSecretDigest } from '../shared/core/watch/watch-secret.js';
import { SubscriptionStore } from '../shared/adapters/azure-tables/subscription-store.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
/** Also measured: one maintenance fan-out over this many sources (0 skips it). */
const FANOUT_SOURCES = Number(process.env.BENCH_FANOUT_SOURCES ?? 10_000);
const AMPLIFICATION_POSTS = Number(process.env.BENCH_AMPLIFICATION_POSTS ?? 20);
const RATES = [100, 500];
const TIMEOUT_MS = 10_000;
/** Reads of the subscriptions table, by the webhook and by the naive baseline alike. */
const subscriptionReads = newTableReadCounter();

const azurite = await startAzurite();
try {
  const tenantId = randomUUID();
  const config = loadConfig({ AzureWebJobsStorage: azurite.connectionString, MS_TENANT_ID: tenantId });
  const base = buildServices(config);
  await ensureStorage(base.storage);
  // Each measured phase gets its own empty queue: Azurite slows down while it disposes of a large
  // cleared queue, which would otherwise penalise whichever side runs next.
  let phase = 0;
  const phaseQueueName = () => `bench-${phase}-${QUEUES.graphNotifications}`;
  const phaseStorage = countingTableReads(
    {
      ...base.storage,
      queue: (name) => base.storage.queue(name === QUEUES.graphNotifications ? phaseQueueName() : name),
    },
    TABLES.subscriptions,
    subscriptionReads,
  );
  let services = buildServices(config, { storage: phaseStorage });
  const nextPhase = async () => {
    phase += 1;
    await phaseStorage.queue(QUEUES.graphNotifications).createIfNotExists();
    // New services make the webhook rebuild its clients on the new queue, with an empty cache.
    services = buildServices(config, { storage: phaseStorage });
    setServices(services);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  };
  await nextPhase();
  const clientState = randomBytes(32).toString('base64url');
  const subscriptionId = randomUUID();
  await new SubscriptionStore(services.storage.table(TABLES.subscriptions)).put({
    watchId: subscriptionId,
    kbId: 'bench',
    sourceId: 'src',
    issuer: tenantId,
    secretSha256: watchSecretDigest(clientState),
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    createdAt: new Date().toISOString(),
  });
  // The floor: the least any webhook must do (read the body, enqueue one message, answer 202).
  const floor: HttpFunctionDefinition = {
    kind: 'http',
    name: 'floor',
    methods: ['POST'],
    route: 'floor',
    authLevel: 'anonymous',
    handler: async (request) => {
      await request.text();
      await sendJson(services.storage.queue(QUEUES.graphNotifications), {
        kind: 'notifications',
        items: [{ subscriptionId, kbId: 'bench', sourceId: 'src', count: 1 }],
        receivedAt: new Date().toISOString(),
      });
      return { status: 202 };
    },
  };
  // The naive baseline: the same endpoint, but one table read per notification and no cache.
  const naiveStore = new SubscriptionStore(services.storage.table(TABLES.subscriptions));
  const naiveReceiver = new WebhookReceiver({
    findSubscriptions: async (ids) =>
      new Map(await Promise.all(ids.map(async (id) => [id, await naiveStore.get(id)] as const))),
    enqueueNotifications: () => Promise.resolve(),
    enqueueLifecycle: () => Promise.resolve(),
  });
  const naive: HttpFunctionDefinition = {
    kind: 'http',
    name: 'naive',
    methods: ['POST'],
    route: 'naive',
    authLevel: 'anonymous',
    handler: (request, context) =>
      handleWebhookRequest(
        request,
        'changes',
        naiveReceiver,
        config.notifications.webhookMaxBodyBytes,
        createLogger(context),
      ),
  };
  const host = await startLocalHost({
    definitions: [webhookGraph, floor, naive],
    port: 0,
    storageConnectionString: azurite.connectionString,
    functionKey: randomBytes(16).toString('hex'),
    log: () => undefined,
  });
  const body = JSON.stringify({
    value: [
      {
        subscriptionId,
        subscriptionExpirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
        changeType: 'updated',
        resource: '/drives/b!bench/root',
        clientState,
        tenantId,
        resourceData: null,
      },
    ],
  });

  // Warm-up (JIT, connection pools, the subscription row cache) for both, not measured.
  await load(`${host.baseUrl}/api/floor`, body, 100, 2);
  await load(`${host.baseUrl}/api/webhooks/graph`, body, 100, 2);
  console.log(`webhook acknowledgement latency, ${SECONDS} s per rate, open-loop on loopback (ms)`);
  console.log('rate/s  endpoint  requests    p50     p99    max   5xx+timeouts  other-non-202');
  for (const rate of RATES) {
    await nextPhase();
    const floorResult = await load(`${host.baseUrl}/api/floor`, body, rate);
    await nextPhase();
    const webhookResult = await load(`${host.baseUrl}/api/webhooks/graph`, body, rate);
    print(rate, 'floor', floorResult);
    print(rate, 'webhook', webhookResult);
    const ratio = webhookResult.p99 / floorResult.p99;
    console.log(`        p99 ratio webhook/floor: ${ratio.toFixed(2)} (goal ≤ 1.5)`);
  }

  if (AMPLIFICATION_POSTS > 0) {
    console.log(`\namplification: ${AMPLIFICATION_POSTS} POSTs of 1,000 notifications for unknown subscriptionIds`);
    console.log('ids               endpoint  median ms/POST  reads: first POST  median/POST  total');
    for (const ids of ['replayed', 'fresh'] as const) {
      for (const [name, path] of [
        ['naive', 'naive'],
        ['webhook', 'webhooks/graph'],
      ] as const) {
        await nextPhase(); // a new Services object: the webhook starts with an empty cache
        const result = await amplification(`${host.baseUrl}/api/${path}`, ids === 'fresh');
        console.log(
          `${ids.padEnd(16)}  ${name.padEnd(8)}  ${result.medianMs.toFixed(1).padStart(14)}  ${String(
            result.reads[0],
          ).padStart(17)}  ${String(median(result.reads)).padStart(11)}  ${String(sum(result.reads)).padStart(5)}`,
        );
      }
    }
  }
  await host.stop();

  if (FANOUT_SOURCES > 0) {
    // The maintenance timer's share of a run: page through every source and queue one message each.
    const sources = services.sources;
    for (let i = 0; i < FANOUT_SOURCES; i += 100) {
      const kbId = `kb${Math.floor(i / 100)}`;
      await Promise.all(
        Array.from({ length: Math.min(100, FANOUT_SOURCES - i) }, (_, j) => sources.put(fanOutSource(kbId, `s${j}`))),
      );
    }
    const maintenanceQueue = services.storage.queue(QUEUES.maintenanceWork);
    const fanOutStarted = performance.now();
    const { queued } = await fanOutMaintenance({
      listSources: () => sources.listAll(),
      send: (message, delaySeconds) => sendJson(maintenanceQueue, message, { delaySeconds }),
    });
    const seconds = (performance.now() - fanOutStarted) / 1000;
    console.log(
      `maintenance fan-out: ${queued} sources queued in ${seconds.toFixed(1)} s (${Math.round(queued / seconds)}/s)`,
    );
  }
} finally {
  await azurite.stop();
}

/** Sequential POSTs of 1,000 unknown ids (the same ones each time unless `fresh`); reads per POST. */
async function amplification(url: string, fresh: boolean): Promise<{ medianMs: number; reads: number[] }> {
  const idsFor = () => Array.from({ length: 1_000 }, () => randomUUID());
  const replayed = idsFor();
  const times: number[] = [];
  const reads: number[] = [];
  for (let i = 0; i < AMPLIFICATION_POSTS; i++) {
    const body = JSON.stringify({
      value: (fresh ? idsFor() : replayed).map((subscriptionId) => ({
        subscriptionId,
        changeType: 'updated',
        resource: '/drives/b!bench/root',
        clientState: 'a guess',
      })),
    });
    subscriptionReads.reset();
    const sent = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await response.arrayBuffer();
    times.push(performance.now() - sent);
    reads.push(subscriptionReads.reads);
    if (response.status !== 202) throw new Error(`${url} answered ${response.status}`);
  }
  return { medianMs: median(times), reads };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function fanOutSource(kbId: string, sourceId: string): SourceRecord {
  return sourceRecord({ kbId, sourceId, mode: 'webhook' });
}

interface LoadResult {
  requests: number;
  p50: number;
  p99: number;
  max: number;
  serverErrors: number;
  otherNon202: number;
}

async function load(url: string, body: string, rate: number, seconds = SECONDS): Promise<LoadResult> {
  const total = rate * seconds;
  const started = performance.now();
  const latencies: number[] = [];
  let serverErrors = 0;
  let otherNon202 = 0;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      (async () => {
        const sent = performance.now();
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(TIMEOUT_MS),
          });
          await response.arrayBuffer();
          if (response.status >= 500) serverErrors += 1;
          else if (response.status !== 202) otherNon202 += 1;
        } catch {
          serverErrors += 1;
        }
        latencies.push(performance.now() - sent);
      })(),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { requests: total, p50: at(0.5), p99: at(0.99), max: at(1), serverErrors, otherNon202 };
}

function print(rate: number, name: string, result: LoadResult): void {
  console.log(
    `${String(rate).padStart(6)}  ${name.padEnd(8)}  ${String(result.requests).padStart(8)}  ${result.p50
      .toFixed(1)
      .padStart(6)}  ${result.p99.toFixed(1).padStart(6)}  ${result.max.toFixed(0).padStart(5)}  ${String(
      result.serverErrors,
    ).padStart(12)}  ${String(result.otherNon202).padStart(13)}`,
  );
}
