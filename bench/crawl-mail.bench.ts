// npm run bench:crawl:mail — the sync engine against a 50,000-message mailbox (20 folders of 2,500)
// in the sandbox, in its own process. Prints: initial crawl messages/s and peak RSS of this (engine)
// process; for 10 new messages, Graph requests and wall time (median of 5 rounds); and, in the same
// run, what a naive full listing of every folder (messages?$select=id, pages of 1,000) costs to find
// the same 10 messages. BENCH_MESSAGES sets a smaller mailbox on a slow machine.
import { TableClient } from '@azure/data-tables';
import { startAzurite } from '../dev/azurite/azurite-process.js';
import { ChangeFeedStore } from '../shared/adapters/azure-tables/change-feed-store.js';
import { ItemStore } from '../shared/adapters/azure-tables/item-store.js';
import { SourceStore } from '../shared/adapters/azure-tables/source-store.js';
import { TableLeaseStore } from '../shared/adapters/azure-tables/table-lease.js';
import { createProviderRegistry } from '../shared/app/provider-registry.js';
import { SourceSyncer } from '../shared/core/sync/sync-source.js';
import { quietLogger } from '../test/support/logger.js';
import { SandboxTokenManager } from '../test/support/sandbox-tokens.js';
import { sourceRecord } from '../test/support/source-record.js';
import { median, rssSampler, startSandboxProcess } from './helpers/sandbox-process.js';

const FOLDERS = 20;
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const ROUNDS = 5;

const azurite = await startAzurite();
const sandbox = await startSandboxProcess();
const mailControl = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const response = await fetch(`${sandbox.baseUrl}/_sandbox/mail${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`mail control ${method} ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
};
try {
  const table = async (name: string) => {
    const client = TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
    await client.createTable();
    return client;
  };
  const tokens = SandboxTokenManager.appOnly(sandbox);
  const sources = new SourceStore(await table('sources'));
  const providers = createProviderRegistry({ graphBaseUrl: sandbox.graphBaseUrl, tokens });
  const syncer = new SourceSyncer({
    sources,
    items: new ItemStore(await table('items')),
    feed: new ChangeFeedStore(await table('changes'), await table('counters')),
    leases: new TableLeaseStore(await table('leases'), 'sync'),
    providers,
    log: quietLogger,
    leaseMs: 60_000,
    massDeleteRatio: 0.5,
    massDeleteMinItems: 100,
  });

  const user = sandbox.defaultUserId;
  const built = Date.now();
  const { folderIds } = await mailControl<{ folderIds: string[] }>('POST', `/users/${user}/seed`, {
    folders: FOLDERS,
    messagesPerFolder: Math.ceil(MESSAGES / FOLDERS),
    bodyBytes: 512,
  });
  console.log(`mailbox: ${MESSAGES} messages in ${folderIds.length} folders built in ${Date.now() - built} ms`);

  const key = { kbId: 'bench', sourceId: 'mail' };
  const provider = providers.get('outlook_mail');
  const location = provider.locationSchema.parse({ mailbox: { userId: user } });
  await sources.put(
    sourceRecord({
      ...key,
      type: 'outlook_mail',
      location,
      resolvedLocation: await provider.resolveLocation(key, location),
      auth: 'app',
    }),
  );

  const graphRequests = async () => (await sandbox.control.requestLog()).filter((e) => e.path.startsWith('/v1.0/'));
  await sandbox.control.clearRequestLog();
  const rss = rssSampler();
  const crawlStart = performance.now();
  const crawl = await syncer.run(key);
  const crawlMs = performance.now() - crawlStart;
  const peakMb = rss.stop();
  const synced = (await sources.get(key))!.record.itemCount;
  console.log(
    `initial crawl: ${synced} messages in ${(crawlMs / 1000).toFixed(1)} s = ${Math.round(synced / (crawlMs / 1000))} messages/s; ` +
      `${(await graphRequests()).length} Graph requests; peak RSS ${peakMb} MB (outcome ${crawl.status})`,
  );

  // Incremental: 10 new messages per round, spread over the folders.
  const walls: number[] = [];
  const requests: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < 10; i++) {
      await mailControl('POST', `/users/${user}/messages`, {
        folderId: folderIds[(round * 10 + i) % folderIds.length],
        subject: `new ${round}-${i}`,
        from: 'bench@contoso.com',
      });
    }
    await sandbox.control.clearRequestLog();
    const start = performance.now();
    const outcome = await syncer.run(key);
    walls.push(performance.now() - start);
    requests.push((await graphRequests()).length);
    if (outcome.status !== 'synced' || outcome.events !== 10) {
      throw new Error(
        `incremental round ${round}: ${outcome.status}, ${outcome.status === 'synced' ? outcome.events : 0} events`,
      );
    }
  }
  console.log(
    `incremental, 10 new messages: median ${median(requests)} Graph requests, ${Math.round(median(walls))} ms wall ` +
      `(${ROUNDS} rounds: ${walls.map((w) => Math.round(w)).join(', ')} ms)`,
  );

  // Naive baseline in the same run: list every folder's message ids to find what is new.
  await sandbox.control.clearRequestLog();
  const token = await tokens.getAccessToken(key);
  const naiveStart = performance.now();
  let listed = 0;
  for (const folderId of folderIds) {
    let url: string | undefined =
      `${sandbox.graphBaseUrl}/users/${user}/mailFolders/${folderId}/messages?$select=id&$top=1000`;
    while (url) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`messages answered ${response.status}`);
      const body = (await response.json()) as { value: unknown[]; '@odata.nextLink'?: string };
      listed += body.value.length;
      url = body['@odata.nextLink'];
    }
  }
  const naiveMs = performance.now() - naiveStart;
  const naiveRequests = (await graphRequests()).length;
  console.log(
    `naive full listing: ${listed} message ids, ${naiveRequests} Graph requests, ${Math.round(naiveMs)} ms wall; ` +
      `delta needs ${(naiveRequests / median(requests)).toFixed(0)}× fewer requests and is ${(naiveMs / median(walls)).toFixed(1)}× faster`,
  );
} finally {
  sandbox.stop();
  await azurite.stop();
}
