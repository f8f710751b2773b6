// npm run bench:crawl — the sync engine against a 100,000-item drive in the sandbox.
// Prints: initial crawl items/s and peak RSS of this (engine) process; for 10 changes, Graph
// requests, resource units and wall time (median of 5 rounds); and, in the same run, what a naive
// full re-listing by walking /children costs for the same drive.
// Set BENCH_ITEMS for a smaller drive (e.g. BENCH_ITEMS=20000) on a slow machine.
import { TableClient } from '@azure/data-tables';
import { startAzurite } from '../dev/azurite/azurite-process.js';
import { ChangeFeedStore } from '../shared/adapters/azure-tables/change-feed-store.js';
import { ItemStore } from '../shared/adapters/azure-tables/item-store.js';
import { createProviderRegistry } from '../shared/app/provider-registry.js';
import { SourceStore } from '../shared/adapters/azure-tables/source-store.js';
import { TableLeaseStore } from '../shared/adapters/azure-tables/table-lease.js';
import { SourceSyncer } from '../shared/core/sync/sync-source.js';
import { quietLogger } from '../test/support/logger.js';
import { SandboxTokenManager } from '../test/support/sandbox-tokens.js';
import { sourceRecord } from '../test/support/source-record.js';
import { median, rssSampler, startSandboxProcess } from './helpers/sandbox-process.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const ROUNDS = 5;

const azurite = await startAzurite();
const sandbox = await startSandboxProcess();
try {
  const table = async (name: string) => {
    const client = TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
    await client.createTable();
    return client;
  };
  const tokens = SandboxTokenManager.appOnly(sandbox);
  const sources = new SourceStore(await table('sources'));
  const items = new ItemStore(await table('items'));
  const feed = new ChangeFeedStore(await table('changes'), await table('counters'));
  const leases = new TableLeaseStore(await table('leases'), 'sync');
  const providers = createProviderRegistry({ graphBaseUrl: sandbox.graphBaseUrl, tokens });
  const syncer = new SourceSyncer({
    sources,
    items,
    feed,
    leases,
    providers,
    log: quietLogger,
    leaseMs: 60_000,
    massDeleteRatio: 0.5,
    massDeleteMinItems: 100,
  });

  const c = sandbox.control;
  const { driveId, rootId } = await c.createDrive({ driveType: 'business' });
  const built = Date.now();
  const generated = await c.generateItems(driveId, rootId, { count: ITEMS, foldersEvery: 100 });
  console.log(
    `drive: ${generated.created} items (${generated.folderIds.length} folders) built in ${Date.now() - built} ms`,
  );

  const key = { kbId: 'bench', sourceId: 'drive' };
  const record = sourceRecord({ ...key, driveId, auth: 'app' });
  await sources.put(record);

  await c.clearRequestLog();
  const rss = rssSampler();
  const crawlStart = performance.now();
  const crawl = await syncer.run(key);
  const crawlMs = performance.now() - crawlStart;
  const peakMb = rss.stop();
  const crawlLog = (await c.requestLog()).filter((e) => e.path.includes('/delta'));
  const synced = (await sources.get(key))!.record.itemCount;
  console.log(
    `initial crawl: ${synced} files in ${(crawlMs / 1000).toFixed(1)} s = ${Math.round(synced / (crawlMs / 1000))} items/s; ` +
      `${crawlLog.length} delta requests, ${crawlLog.reduce((s, e) => s + e.ru, 0)} RU; peak RSS ${peakMb} MB (outcome ${crawl.status})`,
  );

  // Incremental: 10 changes per round (4 edits, 3 renames, 2 creates, 1 delete).
  const files = (await items.query(record, 'included eq true')).slice(0, 1000);
  const walls: number[] = [];
  const requests: number[] = [];
  const units: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const pick = (i: number) => files[round * 10 + i]!;
    for (let i = 0; i < 4; i++) await c.updateFile(driveId, pick(i).id, `edit ${round}-${i}`);
    for (let i = 4; i < 7; i++) await c.rename(driveId, pick(i).id, `renamed-${round}-${i}.txt`);
    for (let i = 0; i < 2; i++) await c.createFile(driveId, generated.folderIds[i]!, `new-${round}-${i}.txt`, 'new');
    await c.deleteItem(driveId, pick(9).id);
    const since = Date.now();
    await c.clearRequestLog();
    const start = performance.now();
    const outcome = await syncer.run(key);
    walls.push(performance.now() - start);
    const graph = (await c.requestLog()).filter((e) => !e.path.includes('oauth2'));
    requests.push(graph.length);
    units.push(graph.reduce((s, e) => s + e.ru, 0));
    if (outcome.status !== 'synced') throw new Error(`incremental round ${round}: ${outcome.status}`);
    void since;
  }
  console.log(
    `incremental, 10 changes: median ${median(requests)} Graph requests, ${median(units)} RU, ${Math.round(median(walls))} ms wall (${ROUNDS} rounds: ${walls.map((w) => Math.round(w)).join(', ')} ms)`,
  );

  // Naive baseline in the same run: walk the whole drive through /children to find the changes.
  // It is throttled (2 RU a page against the app's RU budget): on 429 the sandbox clock is moved
  // by Retry-After instead of sleeping, and the throttled attempts count as requests too.
  await c.clearRequestLog();
  const naiveStart = performance.now();
  let naiveRequests = 0;
  let throttled = 0;
  let queue = [rootId];
  const token = await tokens.getAccessToken(key);
  const getPage = async (
    url: string,
  ): Promise<{ value: Array<{ id: string; folder?: unknown }>; '@odata.nextLink'?: string }> => {
    for (;;) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      naiveRequests++;
      if (response.status === 429) {
        throttled++;
        await response.arrayBuffer();
        await c.advanceClock(Math.ceil(Number(response.headers.get('retry-after') ?? '1') * 1000));
        continue;
      }
      if (!response.ok) throw new Error(`children answered ${response.status}`);
      return (await response.json()) as { value: Array<{ id: string; folder?: unknown }>; '@odata.nextLink'?: string };
    }
  };
  while (queue.length > 0) {
    const next: string[] = [];
    for (let i = 0; i < queue.length; i += 8) {
      await Promise.all(
        queue.slice(i, i + 8).map(async (folderId) => {
          let url: string | undefined = `${sandbox.graphBaseUrl}/drives/${driveId}/items/${folderId}/children?$top=200`;
          while (url) {
            const body = await getPage(url);
            for (const child of body.value) if (child.folder) next.push(child.id);
            url = body['@odata.nextLink'];
          }
        }),
      );
    }
    queue = next;
  }
  const naiveMs = performance.now() - naiveStart;
  const naiveUnits = (await c.requestLog()).reduce((s, e) => s + e.ru, 0);
  console.log(
    `naive re-listing of the same drive (walk /children): ${naiveRequests} requests (${throttled} throttled), ${naiveUnits} RU, ${Math.round(naiveMs)} ms ` +
      `→ delta incremental uses ${(median(requests) / naiveRequests).toFixed(4)}× the requests`,
  );
  console.log(`goals: crawl < 120 s and RSS < 300 MB; incremental ≤ 2 requests and < 1 s`);
} finally {
  sandbox.stop();
  await azurite.stop();
}
