// Issue 15 item 3, "Must show": a drive with edits, renames, moves and deletes ends as exactly the same
// files in the fake Open WebUI's knowledge base; duplicate and replayed events apply once; a crash
// between upload and add loses and duplicates nothing; per-item refusals (unsupported type, too
// large, not processed, duplicate content) are recorded without blocking the rest, and a 401 stops
// the connector until a PUT with a working key resumes it. Real parts throughout: the sandbox tenant,
// the sync engine, Table Storage on Azurite, the connector run, and the fake Open WebUI over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenWebUi, type FakeOpenWebUi, type FakeUser } from '../../../dev/openwebui/fake-openwebui.js';
import { ConnectorItemStore } from '../../../shared/adapters/azure-tables/connector-item-store.js';
import { ConnectorStore } from '../../../shared/adapters/azure-tables/connector-store.js';
import { TableLeaseStore } from '../../../shared/adapters/azure-tables/table-lease.js';
import type { ConnectorFaultHook } from '../../../shared/core/connectors/apply-change.js';
import {
  getConnector,
  registerConnector,
  type ConnectorRegistrationDeps,
} from '../../../shared/core/connectors/connector-registration.js';
import { runConnector, type ConnectorRunDeps } from '../../../shared/core/connectors/connector-run.js';
import { itemContentReader } from '../../../shared/core/connectors/read-item-content.js';
import type { ConnectorRunMessage } from '../../../shared/core/ports/connector-ports.js';
import {
  OpenWebUiClient,
  openWebUiSink,
  verifyOpenWebUiKnowledge,
} from '../../../shared/integrations/openwebui/openwebui-client.js';
import { capturingLogger } from '../../support/logger.js';
import { freshTable } from '../../support/storage.js';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';

const TYPE = 'openwebui';
const unpleasant = { defaultPageSize: 3, pageSizeJitter: 0.5, duplicateRate: 0.3, childFirst: 0.6 };

interface Fixture {
  h: SyncHarness;
  owui: FakeOpenWebUi;
  user: FakeUser;
  knowledgeId: string;
  kbId: string;
  run: ConnectorRunDeps;
  registration: ConnectorRegistrationDeps;
  scheduled: ConnectorRunMessage[];
  faults: { hook?: ConnectorFaultHook };
  logLines: string[];
}

async function setUp(h: SyncHarness, owui: FakeOpenWebUi, kbId: string, maxFileBytes = 1 << 20): Promise<Fixture> {
  const user = owui.addUser();
  const knowledgeId = owui.createKnowledge(user, kbId);
  const connectors = new ConnectorStore(await freshTable('connectors'));
  const items = new ConnectorItemStore(await freshTable('connitems'));
  const secrets = new Map<string, string>();
  const secretStore = {
    read: async (id: string) => secrets.get(id),
    write: async (id: string, value: string) => void secrets.set(id, value),
    remove: async (id: string) => void secrets.delete(id),
  };
  const scheduled: ConnectorRunMessage[] = [];
  const queue = { schedule: async (message: ConnectorRunMessage) => void scheduled.push(message) };
  const settings = { baseUrl: owui.baseUrl, requestTimeoutMs: 10_000, processingTimeoutMs: 5_000, pollIntervalMs: 5 };
  const faults: Fixture['faults'] = {};
  const logLines: string[] = [];
  const run: ConnectorRunDeps = {
    connectors,
    items,
    secrets: secretStore,
    feed: h.feed,
    leases: new TableLeaseStore(await freshTable('leases'), 'connector'),
    queue,
    sinkFor: (record, key) => openWebUiSink(new OpenWebUiClient(settings, key), record.collectionId),
    readContent: (id) =>
      itemContentReader({ sources: h.sources, items: h.items, providers: h.providers }, id, maxFileBytes),
    poisonQueue: { send: async () => {} },
    settings: {
      pageSize: 5,
      concurrency: 3,
      leaseMs: 30_000,
      maxRunMs: 60_000,
      retryBaseMs: 10,
      retryMaxMs: 20,
      busyRetryMs: 10,
    },
    log: capturingLogger(logLines),
    faults: (point, event) => faults.hook?.(point, event),
  };
  const registration: ConnectorRegistrationDeps = {
    connectors,
    items,
    secrets: secretStore,
    feed: h.feed,
    scheduler: { connectors, queue, debounceMs: 0 },
    verify: (collectionId, key) => verifyOpenWebUiKnowledge(new OpenWebUiClient(settings, key), collectionId),
  };
  const result = await registerConnector(registration, kbId, TYPE, { collectionId: knowledgeId, secret: user.apiKey });
  expect(result.kind).toBe('created');
  return { h, owui, user, knowledgeId, kbId, run, registration, scheduled, faults, logLines };
}

async function sync(f: Fixture, sourceId = 'src'): Promise<void> {
  const outcome = await f.h.syncer(undefined, { flushSize: 7 }).run({ kbId: f.kbId, sourceId });
  expect(outcome.status).toBe('synced');
}

/** Runs the connector until it has caught up (a crashed run schedules a retry; this is the retry). */
async function catchUp(f: Fixture, maxRuns = 10): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < maxRuns; i++) {
    const outcome = await runConnector(f.run, { kind: 'connector-run', kbId: f.kbId, type: TYPE });
    outcomes.push(outcome);
    if (outcome === 'caught-up' || outcome === 'stopped-now' || outcome === 'stopped') return outcomes;
  }
  throw new Error(`not caught up after ${maxRuns} runs: ${outcomes.join(', ')}`);
}

/** The knowledge base as a user of Open WebUI sees it: "name: text", sorted. */
function knowledgeView(f: Fixture): string[] {
  return f.owui
    .knowledgeFiles(f.knowledgeId)
    .map((file) => `${file.name}: ${file.content}`)
    .sort();
}

/** Files stored in Open WebUI outside the knowledge base (orphans a crash could leave). */
function strayFiles(f: Fixture): string[] {
  const inKb = new Set(f.owui.knowledgeFiles(f.knowledgeId).map((file) => file.id));
  return f.owui
    .allFiles()
    .filter((file) => file.user_id === f.user.id && !inKb.has(file.id))
    .map((file) => file.filename);
}

describe('the Open WebUI connector on a drive', () => {
  let h: SyncHarness;
  let owui: FakeOpenWebUi;
  beforeAll(async () => {
    h = await startSyncHarness(unpleasant);
    owui = await startFakeOpenWebUi({ processingDelayMs: 20 });
  });
  afterAll(async () => {
    await owui?.stop();
    await h?.stop();
  });

  it('ends as exactly the drive after creates, edits, renames, moves and deletes, re-uploading only new bytes', async () => {
    const f = await setUp(h, owui, 'kb-drive');
    const c = h.sandbox.control;
    const { driveId, rootId } = await c.createDrive({ driveType: 'business' });
    const docs = await c.createFolder(driveId, rootId, 'Docs');
    const sub = await c.createFolder(driveId, docs.id, 'Sub');
    const archive = await c.createFolder(driveId, rootId, 'Archive');
    const a = await c.createFile(driveId, docs.id, 'a.txt', 'alpha');
    const b = await c.createFile(driveId, sub.id, 'b.txt', 'bravo');
    await c.createFile(driveId, archive.id, 'c.txt', 'charlie');
    const top = await c.createFile(driveId, rootId, 'top.txt', 'top');
    await h.register({ kbId: f.kbId, driveId });
    await sync(f);
    expect(await catchUp(f)).toEqual(['caught-up']);
    expect(knowledgeView(f)).toEqual(['a.txt: alpha', 'b.txt: bravo', 'c.txt: charlie', 'top.txt: top']);

    // An edit: the new bytes replace the old file (removed and deleted, not left behind).
    await c.updateFile(driveId, a.id, 'alpha, edited');
    await sync(f);
    owui.resetLog();
    await catchUp(f);
    expect(knowledgeView(f)).toEqual(['a.txt: alpha, edited', 'b.txt: bravo', 'c.txt: charlie', 'top.txt: top']);
    expect(owui.callCounts()).toMatchObject({ upload: 1, add: 1, remove: 1 });
    expect(strayFiles(f)).toEqual([]);

    // Renames and moves are metadata: a rename call, never an upload.
    await c.rename(driveId, a.id, 'a2.txt');
    await c.move(driveId, b.id, archive.id);
    await c.rename(driveId, docs.id, 'Documents');
    await sync(f);
    owui.resetLog();
    await catchUp(f);
    expect(knowledgeView(f)).toEqual(['a2.txt: alpha, edited', 'b.txt: bravo', 'c.txt: charlie', 'top.txt: top']);
    expect(owui.callCounts().upload).toBeUndefined();
    expect(owui.callCounts()).toMatchObject({ rename: 1 });

    // A delete, and an edit folded with a rename in the same page.
    await c.deleteItem(driveId, top.id);
    await c.updateFile(driveId, b.id, 'bravo two');
    await sync(f);
    await c.rename(driveId, b.id, 'b2.txt');
    await sync(f);
    await catchUp(f);
    expect(knowledgeView(f)).toEqual(['a2.txt: alpha, edited', 'b2.txt: bravo two', 'c.txt: charlie']);
    expect(strayFiles(f)).toEqual([]);

    const status = await getConnector(f.registration, f.kbId, TYPE);
    expect(status?.record.state).toBe('active');
    expect(status?.record.cursor).toBe(status?.headCursor);
    expect(status?.failures).toEqual([]);
  });

  it('applies duplicate and replayed events once: a feed read again from the start makes no Open WebUI call', async () => {
    const f = await setUp(h, owui, 'kb-replay');
    const c = h.sandbox.control;
    const { driveId, rootId } = await c.createDrive({ driveType: 'personal' });
    const x = await c.createFile(driveId, rootId, 'x.txt', 'x one');
    await c.createFile(driveId, rootId, 'y.txt', 'y one');
    const z = await c.createFile(driveId, rootId, 'z.txt', 'z, deleted later');
    await h.register({ kbId: f.kbId, driveId });
    await sync(f);
    await c.updateFile(driveId, x.id, 'x two');
    await sync(f);
    await catchUp(f);
    // Its delete lands on a later page than its upsert: only the eventIds keep a replay from uploading it again.
    await c.deleteItem(driveId, z.id);
    await sync(f);
    await catchUp(f);
    expect(knowledgeView(f)).toEqual(['x.txt: x two', 'y.txt: y one']);

    // The same events appended again (a sync's replay after a crash writes the same eventIds).
    const events = await h.allEvents(f.kbId);
    await h.feed.append(
      f.kbId,
      events.map(({ cursor: _cursor, ...body }) => body),
    );
    // And the connector's own cursor lost: it reads the whole feed again.
    const stored = await f.run.connectors.get(f.kbId, TYPE);
    expect(await f.run.connectors.write({ ...stored!.record, cursor: '' }, stored!.etag)).toBe(true);
    owui.resetLog();
    await catchUp(f);
    expect(owui.requests).toEqual([]);
    expect(knowledgeView(f)).toEqual(['x.txt: x two', 'y.txt: y one']);
    const status = await getConnector(f.registration, f.kbId, TYPE);
    expect(status?.record.counts.repeats).toBeGreaterThanOrEqual(events.length * 2);
    expect(status?.record.cursor).toBe(status?.headCursor);
  });

  for (const point of ['after-upload', 'after-pending-recorded', 'after-old-removed', 'after-attach'] as const) {
    it(`loses and duplicates nothing when the run crashes ${point.replace(/-/g, ' ')}`, async () => {
      const f = await setUp(h, owui, `kb-crash-${point}`);
      const c = h.sandbox.control;
      const { driveId, rootId } = await c.createDrive({ driveType: 'business' });
      const edited = await c.createFile(driveId, rootId, 'edited.txt', 'version one');
      await c.createFile(driveId, rootId, 'other.txt', 'other');
      await h.register({ kbId: f.kbId, driveId });
      await sync(f);
      await catchUp(f);
      await c.updateFile(driveId, edited.id, 'version two');
      await c.createFile(driveId, rootId, 'new.txt', 'brand new');
      await sync(f);

      owui.resetLog();
      let crashes = 0;
      f.faults.hook = (at, event) => {
        if (at === point && crashes < 2 && event.name !== 'other.txt') {
          crashes++;
          throw new Error(`crash ${at}`);
        }
      };
      const outcomes = await catchUp(f);
      f.faults.hook = undefined;
      // 'after-old-removed' only happens on the edit; the others on both changed items.
      expect(crashes).toBeGreaterThanOrEqual(1);
      expect(outcomes.at(-1)).toBe('caught-up');
      // Items of a page run at once, so two crashes can end one run.
      const retries = outcomes.filter((o) => o === 'retry-scheduled').length;
      expect(retries).toBeGreaterThanOrEqual(1);
      expect(retries).toBeLessThanOrEqual(crashes);
      expect(knowledgeView(f)).toEqual(['edited.txt: version two', 'new.txt: brand new', 'other.txt: other']);
      if (point === 'after-upload') {
        // The one window the item map cannot see: Open WebUI answered the upload but the file id was
        // not recorded yet. The retry uploads again; the first upload stays in the user's files, outside
        // the knowledge base (docs/open-webui.md, "Crashes").
        expect(strayFiles(f).length).toBe(crashes);
        expect(owui.callCounts().upload).toBe(2 + crashes);
      } else {
        expect(strayFiles(f)).toEqual([]);
        // The recorded upload is attached on resume, not uploaded again: one upload per changed item.
        expect(owui.callCounts().upload).toBe(2);
      }
      const status = await getConnector(f.registration, f.kbId, TYPE);
      expect(status?.record.cursor).toBe(status?.headCursor);
      expect(status?.record.lastError).toBeUndefined();
    });
  }
});

describe('per-item refusals and a refused key', () => {
  let h: SyncHarness;
  let owui: FakeOpenWebUi;
  beforeAll(async () => {
    h = await startSyncHarness();
    owui = await startFakeOpenWebUi({ allowedExtensions: ['txt', 'md'], maxSizeMb: 0.001 });
  });
  afterAll(async () => {
    await owui?.stop();
    await h?.stop();
  });

  it('records unsupported type, too large, not processed and duplicate content on their items and applies the rest', async () => {
    const f = await setUp(h, owui, 'kb-refusals', 10_000);
    const c = h.sandbox.control;
    const { driveId, rootId } = await c.createDrive({ driveType: 'business' });
    await c.createFile(driveId, rootId, 'good.txt', 'good');
    await c.createFile(driveId, rootId, 'picture.exe', 'MZ binary');
    await c.createFile(driveId, rootId, 'big.txt', 'x'.repeat(4_000));
    await c.createFile(driveId, rootId, 'huge.txt', 'y'.repeat(20_000));
    await c.createFile(driveId, rootId, 'empty.md', '   ');
    await c.createFile(driveId, rootId, 'copy-a.txt', 'same words');
    await c.createFile(driveId, rootId, 'copy-b.txt', 'same words');
    await h.register({ kbId: f.kbId, driveId });
    await sync(f);
    expect(await catchUp(f)).toEqual(['caught-up']);

    const view = knowledgeView(f);
    expect(view).toContain('good.txt: good');
    expect(view.filter((line) => line.endsWith('same words'))).toHaveLength(1);
    expect(view).toHaveLength(2);
    const status = await getConnector(f.registration, f.kbId, TYPE);
    const failures: Record<string, { kind?: string; status?: number }> = {};
    for (const item of status?.failures ?? []) {
      failures[item.name ?? ''] = { kind: item.failure?.kind, status: item.failure?.status };
    }
    expect(failures['picture.exe']).toEqual({ kind: 'unsupported_type', status: 400 });
    expect(failures['big.txt']).toEqual({ kind: 'too_large', status: 413 });
    // Over the connector's own limit: refused before download, never sent to Open WebUI.
    expect(failures['huge.txt']).toEqual({ kind: 'too_large', status: undefined });
    expect(owui.allFiles().some((file) => file.filename === 'huge.txt')).toBe(false);
    // good, picture.exe, big, empty, copy-a, copy-b: huge.txt is not among them.
    expect(owui.requests.filter((r) => r.route === 'upload')).toHaveLength(6);
    expect(failures['empty.md']).toEqual({ kind: 'not_processed', status: undefined });
    const duplicate = failures['copy-a.txt'] ?? failures['copy-b.txt'];
    expect(duplicate).toEqual({ kind: 'duplicate_content', status: 400 });
    expect(status?.failures).toHaveLength(5);
    expect(status?.failures.find((item) => item.name === 'huge.txt')?.failure?.detail).toContain("connector's limit");
    expect(status?.failures.find((item) => item.name === 'big.txt')?.failure?.detail).toContain('less than 0.001 MB');
    expect(status?.record.cursor).toBe(status?.headCursor);
    // Every refused upload was deleted again: nothing is left outside the knowledge base.
    expect(strayFiles(f)).toEqual([]);
  });

  it('stops on 401 with the reason, keeps its cursor, and resumes after a PUT with a working key', async () => {
    const f = await setUp(h, owui, 'kb-401');
    const c = h.sandbox.control;
    const { driveId, rootId } = await c.createDrive({ driveType: 'business' });
    await c.createFile(driveId, rootId, 'first.txt', 'first');
    await h.register({ kbId: f.kbId, driveId });
    await sync(f);
    await catchUp(f);
    const before = await getConnector(f.registration, f.kbId, TYPE);

    owui.revokeKey(f.user.apiKey);
    await c.createFile(driveId, rootId, 'second.txt', 'second');
    await sync(f);
    expect(await catchUp(f)).toEqual(['stopped-now']);
    const stopped = await getConnector(f.registration, f.kbId, TYPE);
    expect(stopped?.record.state).toBe('stopped');
    expect(stopped?.record.stoppedReason).toContain('HTTP 401');
    expect(stopped?.record.stoppedReason).toContain('Your session has expired or the token is invalid');
    expect(stopped?.record.cursor).toBe(before?.record.cursor);
    expect(await catchUp(f)).toEqual(['stopped']);

    // A key Open WebUI refuses is refused at registration too.
    const refused = await registerConnector(f.registration, f.kbId, TYPE, {
      collectionId: f.knowledgeId,
      secret: f.user.apiKey,
    });
    expect(refused.kind).toBe('refused');

    const newKey = owui.addUser('admin');
    const resumed = await registerConnector(f.registration, f.kbId, TYPE, {
      collectionId: f.knowledgeId,
      secret: newKey.apiKey,
    });
    expect(resumed.kind).toBe('updated');
    expect(resumed.kind === 'updated' && resumed.status.record.cursor).toBe(before?.record.cursor);
    expect(await catchUp(f)).toEqual(['caught-up']);
    expect(knowledgeView(f)).toEqual(['first.txt: first', 'second.txt: second']);
  });
});
