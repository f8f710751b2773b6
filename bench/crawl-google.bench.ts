// npm run bench:crawl:google — the sync engine against a 100,000-item My Drive in the Google sandbox.
// Prints: initial crawl items/s and peak RSS of this (engine) process; for 10 changes, Drive API
// requests and wall time (median of 5 rounds); and, in the same run, what a naive full listing of
// the drive (files.list, pages of 1,000) costs to find the same changes.
// BENCH_ITEMS sets a smaller drive (e.g. BENCH_ITEMS=20000) on a slow machine.
import { TableClient } from '@azure/data-tables';
import { startAzurite } from '../dev/azurite/azurite-process.js';
import { ChangeFeedStore } from '../shared/adapters/azure-tables/change-feed-store.js';
import { ItemStore } from '../shared/adapters/azure-tables/item-store.js';
import { SourceStore } from '../shared/adapters/azure-tables/source-store.js';
import { TableLeaseStore } from '../shared/adapters/azure-tables/table-lease.js';
import { createProviderRegistry } from '../shared/app/provider-registry.js';
import { SourceSyncer } from '../shared/core/sync/sync-source.js';
import { GoogleSandboxTokens } from '../test/support/google-harness.js';
import { quietLogger } from '../test/support/logger.js';
import { sourceRecord } from '../test/support/source-record.js';
import { startGoogleSandboxProcess } from './helpers/google-sandbox-process.js';
import { median, rssSampler } from './helpers/sandbox-process.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const ROUNDS = 5;

const azurite = await startAzurite();
const sandbox = await startGoogleSandboxProcess();
try {
  const table = async (name: string) => {
    const client = TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
    await client.createTable();
    return client;
  };
  const tokens = new GoogleSandboxTokens(
    sandbox,
    (await sandbox.call<{ refreshToken: string }>('issueRefreshToken')).refreshToken,
  );
  const providers = createProviderRegistry({
    graphBaseUrl: 'https://127.0.0.1:9/v1.0',
    tokens,
    google: { driveRootUrl: sandbox.driveRootUrl },
  });
  const provider = providers.get('google_drive');
  const sources = new SourceStore(await table('sources'));
  const items = new ItemStore(await table('items'));
  const feed = new ChangeFeedStore(await table('changes'), await table('counters'));
  const syncer = new SourceSyncer({
    sources,
    items,
    feed,
    leases: new TableLeaseStore(await table('leases'), 'sync'),
    providers,
    log: quietLogger,
    leaseMs: 60_000,
    massDeleteRatio: 0.5,
    massDeleteMinItems: 100,
  });

  const built = Date.now();
  const generated = await sandbox.call<{ files: number; folderIds: string[] }>('generate', {
    count: ITEMS,
    foldersEvery: 100,
  });
  console.log(
    `My Drive: ${generated.files} files in ${generated.folderIds.length} folders, built in ${Date.now() - built} ms`,
  );

  const key = { kbId: 'bench', sourceId: 'gdrive' };
  const location = provider.locationSchema.parse({ myDrive: true });
  const record = sourceRecord({
    ...key,
    type: 'google_drive',
    location,
    resolvedLocation: await provider.resolveLocation(key, location),
  });
  await sources.put(record);

  await sandbox.call('clearRequestLog');
  const rss = rssSampler();
  const crawlStart = performance.now();
  const crawl = await syncer.run(key);
  const crawlMs = performance.now() - crawlStart;
  const peakMb = rss.stop();
  const crawlRequests = (await sandbox.call<{ path: string }[]>('requestLog')).filter((e) =>
    e.path.startsWith('/drive/'),
  );
  const synced = (await sources.get(key))!.record.itemCount;
  console.log(
    `initial crawl: ${synced} files in ${(crawlMs / 1000).toFixed(1)} s = ${Math.round(synced / (crawlMs / 1000))} items/s; ` +
      `${crawlRequests.length} Drive requests; peak RSS ${peakMb} MB (outcome ${crawl.status})`,
  );

  // Incremental: 10 changes per round (4 edits, 3 renames, 2 creates, 1 trash).
  const files = (await items.query(record, 'included eq true')).slice(0, 1000);
  const walls: number[] = [];
  const requests: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const pick = (i: number) => files[round * 10 + i]!;
    for (let i = 0; i < 4; i++) await sandbox.call('updateContent', pick(i).id, `edit ${round}-${i}`);
    for (let i = 4; i < 7; i++) await sandbox.call('rename', pick(i).id, `renamed-${round}-${i}.txt`);
    for (let i = 0; i < 2; i++) {
      await sandbox.call('createFile', {
        parentIds: [generated.folderIds[i]!],
        name: `new-${round}-${i}.txt`,
        content: 'new',
      });
    }
    await sandbox.call('trash', pick(9).id);
    await sandbox.call('clearRequestLog');
    const start = performance.now();
    const outcome = await syncer.run(key);
    walls.push(performance.now() - start);
    requests.push(
      (await sandbox.call<{ path: string }[]>('requestLog')).filter((e) => e.path.startsWith('/drive/')).length,
    );
    if (outcome.status !== 'synced') throw new Error(`incremental round ${round}: ${outcome.status}`);
  }
  console.log(
    `incremental, 10 changes: median ${median(requests)} Drive requests, ${Math.round(median(walls))} ms wall (${ROUNDS} rounds: ${walls.map((w) => Math.round(w)).join(', ')} ms)`,
  );

  // Naive baseline in the same run: list the whole drive again (what a poller without the change log does).
  const token = await tokens.getAccessToken(key);
  const naiveWalls: number[] = [];
  const naiveRequests: number[] = [];
  for (let round = 0; round < 3; round++) {
    let pageToken: string | undefined;
    let count = 0;
    const start = performance.now();
    do {
      const url = new URL(`${sandbox.driveRootUrl}drive/v3/files`);
      url.searchParams.set('pageSize', '1000');
      url.searchParams.set('q', 'trashed = false');
      url.searchParams.set('fields', 'nextPageToken,files(id,name,parents,md5Checksum,version)');
      if (pageToken) url.searchParams.set('pageToken', pageToken);
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`files.list answered ${response.status}`);
      const body = (await response.json()) as { nextPageToken?: string };
      pageToken = body.nextPageToken;
      count++;
    } while (pageToken);
    naiveWalls.push(performance.now() - start);
    naiveRequests.push(count);
  }
  const ours = median(walls);
  const naive = median(naiveWalls);
  console.log(
    `naive full listing to find the same changes: median ${median(naiveRequests)} Drive requests, ${Math.round(naive)} ms wall; ` +
      `incremental sync is ${(median(naiveRequests) / median(requests)).toFixed(0)}x fewer requests and ${(naive / ours).toFixed(1)}x faster`,
  );
} finally {
  sandbox.stop();
  await azurite.stop();
}
