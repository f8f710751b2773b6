// npm run bench:content — a 200 MB file downloaded through the local host's content route
// (kbs/{kb}/sources/{src}/items/{item}/content → Graph /content → 302 → download URL, piped).
// Prints, for this process (local host + client; the sandbox runs in its own process): RSS growth
// (peak RSS minus RSS just before) and throughput, medians of 3; and in the same run two baselines: the same
// file streamed straight from the sandbox (the floor), and read whole into memory (what buffering costs).
// Goal: RSS growth through the host < 50 MB. Set BENCH_CONTENT_MB for another size.
import { randomBytes } from 'node:crypto';
import { startAzurite } from '../dev/azurite/azurite-process.js';
import { startLocalHost } from '../dev/host/local-host.js';
import { itemContent } from '../functions/item-content.js';
import { sourcesPut } from '../functions/sources-put.js';
import { syncJob } from '../functions/sync-job.js';
import { buildServices, setServices } from '../shared/app/composition-root.js';
import { ensureStorage } from '../shared/adapters/storage/ensure-storage.js';
import { appConfigFor } from '../test/support/sandbox-app-config.js';
import { SandboxTokenManager } from '../test/support/sandbox-tokens.js';
import { rssSampler, startSandboxProcess } from './helpers/sandbox-process.js';

const SIZE_MB = Number(process.env.BENCH_CONTENT_MB ?? 200);
const SIZE = SIZE_MB * 1_048_576;
const GOAL_MB = 50;
const ROUNDS = 3;

interface Measured {
  what: string;
  bytes: number;
  seconds: number;
  rssGrowthMb: number;
}

/** RSS growth while `read` runs: peak sampled every 20 ms, minus RSS just before (after a GC when exposed). */
async function measure(what: string, read: () => Promise<number>): Promise<Measured> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = process.memoryUsage().rss;
  const sampler = rssSampler(20);
  const started = performance.now();
  const bytes = await read();
  const seconds = (performance.now() - started) / 1000;
  const peakMb = sampler.stop();
  return { what, bytes, seconds, rssGrowthMb: Math.max(0, peakMb - Math.round(before / 1_048_576)) };
}

/** Median of `rounds` runs, by RSS growth (each run's seconds and growth are its own). */
async function measureMedian(what: string, read: () => Promise<number>, rounds: number): Promise<Measured> {
  const all: Measured[] = [];
  for (let round = 0; round < rounds; round++) all.push(await measure(what, read));
  const byGrowth = [...all].sort((a, b) => a.rssGrowthMb - b.rssGrowthMb);
  const bySeconds = [...all].sort((a, b) => a.seconds - b.seconds);
  const middle = Math.floor(rounds / 2);
  return { ...byGrowth[middle]!, seconds: bySeconds[middle]!.seconds, what: `${what}, median of ${rounds}` };
}

/** Reads a streamed body chunk by chunk, keeping nothing. */
async function drain(response: Response): Promise<number> {
  if (!response.ok || !response.body) throw new Error(`download answered ${response.status}`);
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  return bytes;
}

const azurite = await startAzurite();
const sandbox = await startSandboxProcess();
try {
  const config = appConfigFor(sandbox, azurite.connectionString);
  const services = buildServices(config);
  await ensureStorage(services.storage);
  setServices(services);
  const functionKey = randomBytes(24).toString('base64url');
  const host = await startLocalHost({
    definitions: [sourcesPut, syncJob, itemContent],
    port: 0,
    storageConnectionString: azurite.connectionString,
    functionKey,
    hostJson: { maxPollingIntervalMs: 200 },
    log: () => undefined,
  });
  try {
    const c = sandbox.control;
    const user = await c.createUser({ displayName: 'Bench User' });
    const { driveId, rootId } = await c.createDrive({ driveType: 'business', ownerUserId: user.id });
    const file = await c.createGeneratedFile(driveId, rootId, 'large.bin', SIZE);
    const { refreshToken } = await c.issueRefreshToken({
      userId: user.id,
      scopes: ['Files.Read.All', 'offline_access'],
    });
    const key = { kbId: 'content', sourceId: 'src' };
    const put = await fetch(`${host.baseUrl}/api/kbs/${key.kbId}/sources/${key.sourceId}`, {
      method: 'PUT',
      headers: { 'x-functions-key': functionKey, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'onedrive', drive: { driveId }, refreshToken }),
    });
    if (put.status !== 201) throw new Error(`PUT answered ${put.status}: ${await put.text()}`);
    for (let i = 0; i < 300 && (await services.sources.get(key))?.record.lastSyncResult !== 'ok'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if ((await services.sources.get(key))?.record.lastSyncResult !== 'ok')
      throw new Error('the first sync did not end');

    const proxied = `${host.baseUrl}/api/kbs/${key.kbId}/sources/${key.sourceId}/items/${file.id}/content`;
    const viaHost = async () => drain(await fetch(proxied, { headers: { 'x-functions-key': functionKey } }));
    const token = await SandboxTokenManager.appOnly(sandbox).getAccessToken(key);
    const graphContent = `${sandbox.graphBaseUrl}/drives/${driveId}/items/${file.id}/content`;
    const straight = async () => drain(await fetch(graphContent, { headers: { authorization: `Bearer ${token}` } }));
    // The first download also pays for connections, TLS sessions and lazily loaded code: shown apart.
    const cold = await measure('through the local host, first download (cold)', () => viaHost());
    await straight();

    const runs = (what: string, read: () => Promise<number>) => measureMedian(what, read, ROUNDS);
    const direct = await runs('straight from the sandbox (floor)', straight);
    const throughHost = await runs('through the local host (streamed)', () => viaHost());
    const buffered = await measure('straight from the sandbox, read whole (buffered)', async () => {
      const response = await fetch(graphContent, { headers: { authorization: `Bearer ${token}` } });
      return (await response.arrayBuffer()).byteLength;
    });

    console.log(`content download of ${SIZE_MB} MB (${SIZE} bytes); RSS of this process (host + client)`);
    for (const run of [cold, throughHost, direct, buffered]) {
      if (run.bytes !== SIZE) throw new Error(`${run.what}: ${run.bytes} bytes, expected ${SIZE}`);
      const mbPerSecond = SIZE_MB / run.seconds;
      console.log(
        `  ${run.what.padEnd(50)} RSS growth ${String(run.rssGrowthMb).padStart(4)} MB   ${mbPerSecond.toFixed(0).padStart(5)} MB/s`,
      );
    }
    console.log(
      `through the host: RSS growth ${throughHost.rssGrowthMb} MB (goal < ${GOAL_MB} MB: ${throughHost.rssGrowthMb < GOAL_MB ? 'met' : 'NOT met'}); ` +
        `throughput ${(direct.seconds / throughHost.seconds).toFixed(2)}× the floor's`,
    );
  } finally {
    await host.stop();
  }
} finally {
  sandbox.stop();
  await azurite.stop();
  setServices(undefined);
}
