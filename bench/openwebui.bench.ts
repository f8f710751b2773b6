// npm run bench:openwebui — the Open WebUI connector applying BENCH_EVENTS (default 10,000) feed
// events to the fake Open WebUI (dev/openwebui, real HTTP on 127.0.0.1), with the feed and the item
// map on Azurite. The events come in BENCH_BATCHES syncs (default 20) over BENCH_ITEMS files (default
// 1,000): creates, edits, renames, deletes and repeats (a sync's replay writes the same eventIds
// again); the connector catches up after each sync, as the feed's hint makes it do. Printed: events/s
// (median of BENCH_RUNS runs, default 3), Open WebUI calls per event by route, and the same for a
// naive baseline in the same run that re-uploads on every upsert event, applies repeats again and
// folds nothing. Both must end with the same knowledge base, which is checked.
import { createHash, randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { startAzurite } from '../dev/azurite/azurite-process.js';
import { startFakeOpenWebUi, type FakeOpenWebUi } from '../dev/openwebui/fake-openwebui.js';
import { ChangeFeedStore } from '../shared/adapters/azure-tables/change-feed-store.js';
import { ConnectorItemStore } from '../shared/adapters/azure-tables/connector-item-store.js';
import { ConnectorStore } from '../shared/adapters/azure-tables/connector-store.js';
import { TableLeaseStore } from '../shared/adapters/azure-tables/table-lease.js';
import { EVENT_SCHEMA_VERSION, type ChangeEvent, type ChangeEventBody } from '../shared/core/domain/change-event.js';
import { registerConnector } from '../shared/core/connectors/connector-registration.js';
import { runConnector, type ConnectorRunDeps } from '../shared/core/connectors/connector-run.js';
import type { Logger } from '../shared/core/ports/logger.js';
import {
  OpenWebUiClient,
  openWebUiSink,
  verifyOpenWebUiKnowledge,
} from '../shared/integrations/openwebui/openwebui-client.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 20);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 1_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TYPE = 'openwebui';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** A small deterministic PRNG (mulberry32), so every run applies the same events. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ItemState {
  name: string;
  version: number;
  alive: boolean;
}

interface Workload {
  batches: ChangeEventBody[][];
  /** Each item's content version once the batch of the same index was synced. */
  versionsAfter: Array<Map<string, number>>;
  /** The knowledge base at the end: each living item's name and newest bytes. */
  expected: string[];
}

const contentOf = (itemId: string, version: number) => `${itemId} version ${version}\n`;

/** The workload: batches of event bodies, as syncs append them. */
function workload(kbId: string): Workload {
  const random = prng(15);
  const items = new Map<string, ItemState>();
  let n = 0;
  const body = (
    itemId: string,
    state: ItemState,
    op: 'upsert' | 'delete',
    contentChanged: boolean,
  ): ChangeEventBody => {
    const content = contentOf(itemId, state.version);
    return {
      eventId: createHash('sha256').update(`${itemId}|${op}|${n++}`).digest('base64url').slice(0, 32),
      schemaVersion: EVENT_SCHEMA_VERSION,
      kbId,
      sourceId: 'src',
      itemId,
      kind: 'file',
      op,
      contentChanged,
      name: op === 'delete' ? null : state.name,
      path: op === 'delete' ? null : `/${state.name}`,
      mimeType: op === 'delete' ? null : 'text/plain',
      size: op === 'delete' ? null : content.length,
      eTag: null,
      quickXorHash: null,
      contentHash:
        op === 'delete' ? null : { algorithm: 'sha1Hash', value: createHash('sha1').update(content).digest('base64') },
      lastModifiedDateTime: null,
      webUrl: null,
    };
  };
  const perBatch = Math.ceil(EVENTS / BATCHES);
  const batches: ChangeEventBody[][] = [];
  const versionsAfter: Array<Map<string, number>> = [];
  let batch: ChangeEventBody[] = [];
  let total = 0;
  const close = () => {
    batches.push(batch);
    versionsAfter.push(new Map([...items].map(([id, s]) => [id, s.version])));
    batch = [];
  };
  const emit = (events: ChangeEventBody[]) => {
    for (const event of events) {
      if (total === EVENTS) return;
      batch.push(event);
      total++;
      if (batch.length === perBatch) close();
    }
  };
  let created = 0;
  const alive: string[] = [];
  while (total < EVENTS) {
    const roll = random();
    const pick = () => alive[Math.floor(random() * alive.length)]!;
    if (created < ITEMS && (alive.length < 10 || roll < 0.12)) {
      const itemId = `item-${created++}`;
      const state = { name: `doc-${itemId}.txt`, version: 1, alive: true };
      items.set(itemId, state);
      alive.push(itemId);
      emit([body(itemId, state, 'upsert', true)]);
    } else if (roll < 0.4) {
      const itemId = pick();
      const state = items.get(itemId)!;
      state.version++;
      emit([body(itemId, state, 'upsert', true)]);
    } else if (roll < 0.7) {
      const itemId = pick();
      const state = items.get(itemId)!;
      state.name = `renamed-${Math.floor(random() * 1e6)}-${itemId}.txt`;
      emit([body(itemId, state, 'upsert', false)]);
    } else if (roll < 0.75 && alive.length > 20) {
      const itemId = alive.splice(Math.floor(random() * alive.length), 1)[0]!;
      const state = items.get(itemId)!;
      state.alive = false;
      emit([body(itemId, state, 'delete', false)]);
    } else if (batch.length > 0) {
      // A replay: the sync writes the last few events of this batch again, with the same eventIds.
      emit(batch.slice(-Math.min(batch.length, 1 + Math.floor(random() * 4))));
    }
  }
  if (batch.length > 0) close();
  const expected = [...items]
    .filter(([, s]) => s.alive)
    .map(([itemId, s]) => `${s.name}: ${contentOf(itemId, s.version)}`)
    .sort();
  return { batches, versionsAfter, expected };
}

interface RunResult {
  seconds: number;
  calls: Record<string, number>;
  ok: boolean;
}

async function freshTable(connectionString: string, prefix: string): Promise<TableClient> {
  const name = `${prefix}${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const table = TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection: true });
  await table.createTable();
  return table;
}

function knowledgeView(owui: FakeOpenWebUi, knowledgeId: string): string[] {
  return owui
    .knowledgeFiles(knowledgeId)
    .map((file) => `${file.name}: ${file.content}`)
    .sort();
}

const clientSettings = (owui: FakeOpenWebUi) => ({
  baseUrl: owui.baseUrl,
  requestTimeoutMs: 30_000,
  processingTimeoutMs: 30_000,
  pollIntervalMs: 2,
});

/** The connector: feed and item map on Azurite, runs until caught up after each sync. */
async function connectorRun(connectionString: string, owui: FakeOpenWebUi): Promise<RunResult> {
  const kbId = `kb-${randomUUID()}`;
  const work = workload(kbId);
  let versions = new Map<string, number>();
  const user = owui.addUser();
  const knowledgeId = owui.createKnowledge(user);
  const feed = new ChangeFeedStore(
    await freshTable(connectionString, 'changes'),
    await freshTable(connectionString, 'counters'),
  );
  const connectors = new ConnectorStore(await freshTable(connectionString, 'connectors'));
  const items = new ConnectorItemStore(await freshTable(connectionString, 'connitems'));
  const leases = new TableLeaseStore(await freshTable(connectionString, 'leases'), 'connector');
  const secrets = new Map<string, string>();
  const secretStore = {
    read: (id: string) => Promise.resolve(secrets.get(id)),
    write: (id: string, value: string) => Promise.resolve(void secrets.set(id, value)),
    remove: (id: string) => Promise.resolve(void secrets.delete(id)),
  };
  const queue = { schedule: () => Promise.resolve() };
  const settings = clientSettings(owui);
  const deps: ConnectorRunDeps = {
    connectors,
    items,
    secrets: secretStore,
    feed,
    leases,
    queue,
    sinkFor: (record, key) => openWebUiSink(new OpenWebUiClient(settings, key), record.collectionId),
    // The item's bytes as the content route would stream them now.
    readContent: () => (event: ChangeEvent) =>
      Promise.resolve({
        bytes: Buffer.from(contentOf(event.itemId, versions.get(event.itemId) ?? 1)),
        contentType: 'text/plain',
      }),
    poisonQueue: { send: () => Promise.resolve() },
    settings: {
      pageSize: 200,
      concurrency: 4,
      leaseMs: 60_000,
      maxRunMs: 600_000,
      retryBaseMs: 10,
      retryMaxMs: 20,
      busyRetryMs: 10,
    },
    log: silent,
  };
  const registered = await registerConnector(
    {
      connectors,
      items,
      secrets: secretStore,
      feed,
      scheduler: { connectors, queue, debounceMs: 0 },
      verify: (collectionId, key) => verifyOpenWebUiKnowledge(new OpenWebUiClient(settings, key), collectionId),
    },
    kbId,
    TYPE,
    { collectionId: knowledgeId, secret: user.apiKey },
  );
  if (registered.kind === 'refused') throw registered.reason;
  owui.resetLog();
  let seconds = 0;
  for (const [index, batch] of work.batches.entries()) {
    await feed.append(kbId, batch);
    versions = work.versionsAfter[index]!;
    const started = performance.now();
    for (;;) {
      const outcome = await runConnector(deps, { kind: 'connector-run', kbId, type: TYPE });
      if (outcome === 'caught-up') break;
      if (outcome !== 'continues') throw new Error(`connector run ended ${outcome}`);
    }
    seconds += (performance.now() - started) / 1000;
  }
  const stored = await connectors.get(kbId, TYPE);
  if ((stored?.record.counts.failures ?? 0) > 0) throw new Error('the connector recorded failures');
  return { seconds, calls: owui.callCounts(), ok: same(knowledgeView(owui, knowledgeId), work.expected) };
}

/**
 * The naive consumer: every upsert event uploads, waits, removes the item's previous file and adds
 * the new one; every delete removes; repeats are applied again; nothing is folded.
 */
async function naiveRun(owui: FakeOpenWebUi): Promise<RunResult> {
  const work = workload(`kb-${randomUUID()}`);
  const user = owui.addUser();
  const knowledgeId = owui.createKnowledge(user);
  const client = new OpenWebUiClient(clientSettings(owui), user.apiKey);
  const fileOf = new Map<string, string>();
  owui.resetLog();
  const started = performance.now();
  for (const [index, batch] of work.batches.entries()) {
    const versions = work.versionsAfter[index]!;
    for (const event of batch) {
      const old = fileOf.get(event.itemId);
      if (event.op === 'delete') {
        if (old) await client.detach(knowledgeId, old);
        fileOf.delete(event.itemId);
        continue;
      }
      const bytes = Buffer.from(contentOf(event.itemId, versions.get(event.itemId) ?? 1));
      const fileId = await client.upload({ name: event.name ?? event.itemId, contentType: 'text/plain', bytes });
      await client.waitReady(fileId);
      if (old) await client.detach(knowledgeId, old);
      await client.attach(knowledgeId, fileId);
      fileOf.set(event.itemId, fileId);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, calls: owui.callCounts(), ok: same(knowledgeView(owui, knowledgeId), work.expected) };
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function report(label: string, results: RunResult[]): void {
  const seconds = median(results.map((r) => r.seconds));
  const calls = results[0]!.calls;
  const total = Object.values(calls).reduce((sum, n) => sum + n, 0);
  const byRoute = Object.entries(calls)
    .sort()
    .map(([route, n]) => `${route} ${(n / EVENTS).toFixed(3)}`)
    .join(', ');
  console.log(
    `${label.padEnd(10)} ${(EVENTS / seconds).toFixed(0).padStart(6)} events/s (median of ${results.length}: ${seconds.toFixed(2)} s)  ` +
      `${(total / EVENTS).toFixed(3)} Open WebUI calls/event (${byRoute})  knowledge base exact: ${results.every((r) => r.ok)}`,
  );
}

const azurite = await startAzurite();
const owui = await startFakeOpenWebUi();
try {
  const sample = workload('kb');
  const kinds = sample.batches.flat();
  const repeats = kinds.length - new Set(kinds.map((e) => e.eventId)).size;
  console.log(
    `${EVENTS} events in ${sample.batches.length} syncs over ${ITEMS} files: ` +
      `${kinds.filter((e) => e.op === 'upsert' && e.contentChanged).length} with new bytes, ` +
      `${kinds.filter((e) => e.op === 'upsert' && !e.contentChanged).length} renames, ` +
      `${kinds.filter((e) => e.op === 'delete').length} deletes, ${repeats} repeats; ${sample.expected.length} files at the end`,
  );
  const connector: RunResult[] = [];
  const naive: RunResult[] = [];
  for (let run = 0; run < RUNS; run++) {
    connector.push(await connectorRun(azurite.connectionString, owui));
    naive.push(await naiveRun(owui));
  }
  report('connector', connector);
  report('naive', naive);
} finally {
  await owui.stop();
  await azurite.stop();
}
