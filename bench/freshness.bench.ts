// npm run bench:freshness — time from a change in the sandbox to its event in the change feed, over
// 200 changes (40 rounds of 5 files changed together), through the whole webhook path: sandbox
// notification → POST /api/webhooks/graph → graph-notifications → debounce → sync-jobs → delta →
// feed, read over GET /api/kbs/{kb}/changes. Prints p50/p95/max and the settings that dominate it.
// Everything runs on loopback: Azurite, the sandbox (own process) and the local host (this process).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { freePort, startAzurite } from '../dev/azurite/azurite-process.js';
import { startLocalHost } from '../dev/host/local-host.js';
import { changes } from '../functions/changes.js';
import { lifecycleWorker } from '../functions/lifecycle-worker.js';
import { notificationsWorker } from '../functions/notifications-worker.js';
import { sourcesGet } from '../functions/sources-get.js';
import { sourcesPut } from '../functions/sources-put.js';
import { syncJob } from '../functions/sync-job.js';
import { webhookGraph } from '../functions/webhook-graph.js';
import { webhookLifecycle } from '../functions/webhook-lifecycle.js';
import { buildServices, setServices } from '../shared/app/composition-root.js';
import { ensureStorage } from '../shared/adapters/storage/ensure-storage.js';
import { appConfigFor } from '../test/support/sandbox-app-config.js';
import { startSandboxProcess } from './helpers/sandbox-process.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const PER_ROUND = 5;
const DEBOUNCE_MS = process.env.NOTIFICATION_DEBOUNCE_MS ?? '1000';
const MAX_POLLING_INTERVAL_MS = Number(process.env.BENCH_MAX_POLLING_INTERVAL_MS ?? 500);
const FEED_POLL_MS = 25;

const feedPageSchema = z.object({
  events: z.array(z.object({ itemId: z.string(), eTag: z.string().nullish() })),
  nextCursor: z.string().nullish(),
});

const azurite = await startAzurite();
const sandbox = await startSandboxProcess();
try {
  const port = await freePort();
  const config = appConfigFor(sandbox, azurite.connectionString, {
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    NOTIFICATION_DEBOUNCE_MS: DEBOUNCE_MS,
  });
  const services = buildServices(config);
  await ensureStorage(services.storage);
  setServices(services);
  const functionKey = randomBytes(24).toString('base64url');
  const host = await startLocalHost({
    definitions: [
      sourcesPut,
      sourcesGet,
      changes,
      syncJob,
      webhookGraph,
      webhookLifecycle,
      notificationsWorker,
      lifecycleWorker,
    ],
    port,
    storageConnectionString: azurite.connectionString,
    functionKey,
    hostJson: { maxPollingIntervalMs: MAX_POLLING_INTERVAL_MS },
    log: () => undefined,
  });
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${host.baseUrl}/api/${path}`, {
      method,
      headers: { 'x-functions-key': functionKey, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${await response.text()}`);
    return response.json();
  };

  const user = await sandbox.control.createUser({ displayName: 'Bench User' });
  const { driveId, rootId } = await sandbox.control.createDrive({ driveType: 'business', ownerUserId: user.id });
  const files = [];
  for (let i = 0; i < PER_ROUND; i++) files.push(await sandbox.control.createFile(driveId, rootId, `f${i}.txt`, 'v0'));
  const { refreshToken } = await sandbox.control.issueRefreshToken({
    userId: user.id,
    scopes: ['Files.Read.All', 'offline_access'],
  });
  const kbId = 'freshness';
  await call('PUT', `kbs/${kbId}/sources/src`, { type: 'onedrive', drive: { driveId }, refreshToken });
  await until('the subscription', async () => {
    const record = (await services.sources.get({ kbId, sourceId: 'src' }))?.record;
    return Boolean(record?.subscriptionId && record.lastSyncResult === 'ok');
  });
  // Let the closing 'resubscribed' delta run, then start reading the feed from its end.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  let cursor = '';
  const readNew = async () => {
    const page = feedPageSchema.parse(
      await call('GET', `kbs/${kbId}/changes?limit=500${cursor ? `&after=${cursor}` : ''}`),
    );
    if (page.nextCursor) cursor = encodeURIComponent(page.nextCursor);
    return page.events;
  };
  while ((await readNew()).length > 0);

  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const changedAt = new Map<string, { eTag: string; at: number }>();
    await Promise.all(
      files.map(async (file, i) => {
        const updated = await sandbox.control.updateFile(driveId, file.id, `round ${round} file ${i}`);
        changedAt.set(file.id, { eTag: updated.eTag, at: performance.now() });
      }),
    );
    const deadline = performance.now() + 30_000;
    while (changedAt.size > 0 && performance.now() < deadline) {
      for (const event of await readNew()) {
        const change = changedAt.get(event.itemId);
        if (change && event.eTag === change.eTag) {
          latencies.push(performance.now() - change.at);
          changedAt.delete(event.itemId);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, FEED_POLL_MS));
    }
    if (changedAt.size > 0) console.log(`round ${round}: ${changedAt.size} change(s) not in the feed after 30 s`);
  }
  await host.stop();

  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  console.log(`freshness: change in the sandbox → event in the feed, ${latencies.length} changes (ms)`);
  console.log(`  p50 ${at(0.5).toFixed(0)}   p95 ${at(0.95).toFixed(0)}   max ${at(1).toFixed(0)}`);
  console.log('settings that dominate it:');
  console.log(
    `  NOTIFICATION_DEBOUNCE_MS=${DEBOUNCE_MS} (quiet time before a sync; queue delays round up to whole seconds)`,
  );
  console.log(
    `  host.json queues.maxPollingInterval=${MAX_POLLING_INTERVAL_MS} ms (idle queue poll back-off, paid per hop)`,
  );
  console.log(`  sandbox notification batching window 50 ms; feed polled every ${FEED_POLL_MS} ms`);
} finally {
  sandbox.stop();
  await azurite.stop();
}

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
