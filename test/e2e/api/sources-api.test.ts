// The host-facing API end to end: real HTTP to the local Functions host, which runs the same function
// definitions the Azure host registers, with the sync-jobs queue polled against Azurite and Graph
// served by the sandbox tenant. Waits are bounded polls, never timing assertions.
// Response bodies are JSON read as `any` and checked with expect matchers, hence:
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access,
   @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument,
   @typescript-eslint/no-explicit-any */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import azureFunctions, { type HttpResponseInit } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalHost, type RunningLocalHost } from '../../../dev/host/local-host.js';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import { changes, CURSOR_NOT_IN_FEED } from '../../../functions/changes.js';
import { itemContent } from '../../../functions/item-content.js';
import { sourcesConfirmDeletes } from '../../../functions/sources-confirm-deletes.js';
import { sourcesDelete } from '../../../functions/sources-delete.js';
import { sourcesGet } from '../../../functions/sources-get.js';
import { sourcesList } from '../../../functions/sources-list.js';
import { sourcesPut } from '../../../functions/sources-put.js';
import { sourcesSync } from '../../../functions/sources-sync.js';
import { syncJob } from '../../../functions/sync-job.js';
import { buildServices, setServices, type Services } from '../../../shared/app/composition-root.js';
import { encodeMessage } from '../../../shared/adapters/azure-queues/queue-writer.js';
import { ensureStorage } from '../../../shared/adapters/storage/ensure-storage.js';
import { poisonQueueName, QUEUES, TABLES } from '../../../shared/adapters/storage/names.js';
import { storageConnectionString, uniqueName } from '../../support/storage.js';
import { sandboxAppConfig } from '../../integration/api/api-test-bed.js';
import { waitFor } from '../../support/host-wait.js';
import { recordContract } from '../../support/contract-recorder.js';

const functionKey = randomBytes(24).toString('base64url');
/** Every answer is checked against the OpenAPI document after the file's tests. */
const contract = recordContract();
let sandbox: Sandbox;
let host: RunningLocalHost;
let services: Services;
const logLines: string[] = [];
/** Every response body the host sent, to check that no credential ever appears in one. */
const responseTexts: string[] = [];
const refreshTokens: string[] = [];

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: () => any;
}

async function call(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${host.baseUrl}/api/${path}`, {
    method,
    headers: {
      'x-functions-key': functionKey,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await response.text();
  responseTexts.push(text, JSON.stringify([...response.headers]));
  const answer: Answer = { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  return answer;
}

/** What losing the feed's last writes looks like in storage: the KB's counter and event rows are gone. */
async function deleteFeedRows(kbId: string): Promise<void> {
  for (const name of [TABLES.changes, TABLES.changeCounters]) {
    const table = services.storage.table(name);
    for await (const row of table.listEntities<{ partitionKey: string; rowKey: string }>()) {
      if (row.partitionKey === kbId || row.partitionKey.startsWith(`${kbId}|`)) {
        await table.deleteEntity(row.partitionKey, row.rowKey);
      }
    }
  }
}

async function newRefreshToken(): Promise<string> {
  const { refreshToken } = await sandbox.control.issueRefreshToken({
    userId: sandbox.defaultUserId,
    scopes: ['Files.Read.All', 'offline_access'],
  });
  refreshTokens.push(refreshToken);
  return refreshToken;
}

async function driveWithFiles(names: string[]) {
  const c = sandbox.control;
  const { driveId, rootId } = await c.createDrive({ driveType: 'business', ownerUserId: sandbox.defaultUserId });
  const files = [];
  for (const name of names) files.push(await c.createFile(driveId, rootId, name, `content of ${name}`));
  return { driveId, rootId, files };
}

/** Registers a source over HTTP and waits for the queued first sync to finish. */
async function registerAndWaitForSync(kbId: string, driveId: string, extra: Record<string, unknown> = {}) {
  const put = await call('PUT', `kbs/${kbId}/sources/src`, {
    body: { type: 'onedrive', drive: { driveId }, refreshToken: await newRefreshToken(), ...extra },
  });
  expect(put.status).toBe(201);
  return waitFor('the first sync', async () => {
    const status = await call('GET', `kbs/${kbId}/sources/src`);
    return status.json().lastSyncResult === 'ok' ? status.json() : undefined;
  });
}

beforeAll(async () => {
  sandbox = await startSandbox();
  // A low mass-delete threshold, so three files are enough to trip the guard.
  const config = sandboxAppConfig(sandbox, { MASS_DELETE_MIN_ITEMS: '2' });
  services = buildServices(config);
  await ensureStorage(services.storage);
  setServices(services);
  host = await startLocalHost({
    definitions: [
      sourcesPut,
      sourcesGet,
      sourcesList,
      sourcesDelete,
      sourcesSync,
      sourcesConfirmDeletes,
      changes,
      itemContent,
      syncJob,
    ],
    port: 0,
    storageConnectionString: storageConnectionString(),
    functionKey,
    hostJson: { maxPollingIntervalMs: 200 },
    log: (line) => logLines.push(line),
    onResponse: contract.record,
  });
});

afterAll(async () => {
  await host?.stop();
  await sandbox?.stop();
  setServices(undefined);
});

describe('sources API over HTTP', () => {
  it('registers with 201, answers the same PUT with 200, and shows the synced status', async () => {
    const kbId = uniqueName('kb');
    const { driveId } = await driveWithFiles(['a.txt', 'b.txt']);
    const body = { type: 'onedrive', drive: { driveId }, refreshToken: await newRefreshToken() };
    const created = await call('PUT', `kbs/${kbId}/sources/src`, { body });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toContain('application/json');
    expect(created.json()).toMatchObject({ kbId, sourceId: 'src', driveId, state: 'active', mode: 'polling' });

    const again = await call('PUT', `kbs/${kbId}/sources/src`, { body });
    expect(again.status).toBe(200);
    // Same settings and identity; only sync progress (the queued job may have run) and updatedAt move.
    const settings = ['kbId', 'sourceId', 'type', 'drive', 'driveId', 'driveType', 'filters', 'auth', 'createdAt'];
    const pick = (view: Record<string, unknown>) => Object.fromEntries(settings.map((name) => [name, view[name]]));
    expect(pick(again.json())).toEqual(pick(created.json()));
    expect(Date.parse(again.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.json().updatedAt));

    const synced = await waitFor('the sync job', async () => {
      const status = await call('GET', `kbs/${kbId}/sources/src`);
      return status.json().lastSyncResult === 'ok' ? status.json() : undefined;
    });
    expect(synced).toMatchObject({ state: 'active', itemCount: 2, lastError: null, heldDeleteCount: 0 });
    expect(synced).not.toHaveProperty('cursor');

    const list = await call('GET', `kbs/${kbId}/sources`);
    expect(list.status).toBe(200);
    expect(list.json().sources).toHaveLength(1);

    const syncNow = await call('POST', `kbs/${kbId}/sources/src/sync`);
    expect(syncNow.status).toBe(202);
    expect(syncNow.json()).toEqual({ status: 'queued' });
  });

  it('answers bad input with 400 problem+json that lists issues without echoing values', async () => {
    const secret = 'rt-secret-value-that-must-not-echo';
    const bad = await call('PUT', `kbs/${uniqueName('kb')}/sources/src`, {
      body: { type: 'dropbox', drive: { driveId: 'd' }, refreshToken: secret, pollIntervalSeconds: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    const problem = bad.json();
    expect(problem.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['pollIntervalSeconds', 'type']);
    expect(bad.text).not.toContain(secret);

    const notJson = await call('PUT', `kbs/${uniqueName('kb')}/sources/src`, { body: '{"type":' });
    expect(notJson.status).toBe(400);
    expect(notJson.json().title).toMatch(/JSON/);

    const badId = await call('GET', `kbs/${encodeURIComponent('bad id!')}/sources/src`);
    expect(badId.status).toBe(400);
    expect(badId.headers.get('content-type')).toBe('application/problem+json');

    for (const after of ['-3', 'abc.123', 'x'.repeat(40)]) {
      const badCursor = await call('GET', `kbs/kb1/changes?after=${after}`);
      expect(badCursor.status, after).toBe(400);
    }
  });

  it('refuses ids and paths that would reach other Graph paths with 400, before any Graph call', async () => {
    const { driveId } = await driveWithFiles([]);
    const logged = (await sandbox.control.requestLog()).length;
    const attempts = [
      { field: 'drive.userId', drive: { userId: '..' } },
      { field: 'scope.itemId', drive: { driveId }, scope: { itemId: '..' } },
      { field: 'scope.path', drive: { driveId }, scope: { path: '/../../../me/drive/root' } },
      { field: 'drive.driveId', drive: { driveId: 'b!abc/../../me' } },
      { field: 'drive.siteId', drive: { siteId: '..' } },
    ];
    for (const { field, ...location } of attempts) {
      const answer = await call('PUT', `kbs/${uniqueName('kb')}/sources/src`, {
        body: { type: 'onedrive', ...location, refreshToken: await newRefreshToken() },
      });
      expect(answer.status, field).toBe(400);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.json().issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
    }
    // Other tests' syncs may still be talking to Graph, so only requests these PUTs could cause count.
    const paths = (await sandbox.control.requestLog()).slice(logged).map((entry) => entry.path);
    expect(paths.filter((path) => path.includes(driveId) || /^\/v1\.0\/(drive|me|users|sites)\b/.test(path))).toEqual(
      [],
    );
  });

  it('answers 503 with Retry-After while Graph keeps failing, and registers once it recovers', async () => {
    const { driveId } = await driveWithFiles([]);
    const kbId = uniqueName('kb');
    const escaped = driveId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await sandbox.control.injectFault({
      pathPattern: `^/v1\\.0/drives/${escaped}$`,
      kind: '503',
      count: 20,
      retryAfterSeconds: 0.01,
    });
    try {
      const body = { type: 'onedrive', drive: { driveId }, refreshToken: await newRefreshToken() };
      const unavailable = await call('PUT', `kbs/${kbId}/sources/src`, { body });
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(unavailable.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call('GET', `kbs/${kbId}/sources/src`)).status).toBe(404);
    } finally {
      await sandbox.control.clearFaults();
    }
    const body = { type: 'onedrive', drive: { driveId }, refreshToken: await newRefreshToken() };
    expect((await call('PUT', `kbs/${kbId}/sources/src`, { body })).status).toBe(201);
  });

  it('answers 404 for an unknown KB (list and feed) and an unknown source', async () => {
    const kbId = uniqueName('kb');
    for (const path of [`kbs/${kbId}/sources`, `kbs/${kbId}/changes`, `kbs/${kbId}/sources/nope`]) {
      const answer = await call('GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await call('POST', `kbs/${kbId}/sources/nope/sync`)).status).toBe(404);
    expect((await call('DELETE', `kbs/${kbId}/sources/nope`)).status).toBe(404);
  });

  it('pages the change feed with a cursor until nothing more is waiting', async () => {
    const kbId = uniqueName('kb');
    const names = ['1.txt', '2.txt', '3.txt', '4.txt', '5.txt'];
    const { driveId } = await driveWithFiles(names);
    await registerAndWaitForSync(kbId, driveId);
    const events: Array<{ name: string; cursor: string; eventId: string; op: string }> = [];
    let after = '0';
    for (let page = 0; page < 10; page++) {
      const answer = await call('GET', `kbs/${kbId}/changes?after=${after}&limit=2`);
      expect(answer.status).toBe(200);
      const body = answer.json();
      expect(body.events.length).toBeLessThanOrEqual(2);
      events.push(...body.events);
      after = body.nextCursor;
      if (!body.hasMore) break;
    }
    expect(events.map((event) => event.name).sort()).toEqual(names);
    expect(new Set(events.map((event) => event.eventId)).size).toBe(names.length);
    // Opaque strings that, within one generation of the feed, sort in feed order.
    const cursors = events.map((event) => event.cursor);
    expect(cursors).toEqual([...cursors].sort());
    const tail = await call('GET', `kbs/${kbId}/changes?after=${after}`);
    expect(tail.json()).toEqual({ events: [], nextCursor: after, hasMore: false });
  });

  it('answers 409 to a cursor from before storage lost the feed, and to one beyond the head', async () => {
    const kbId = uniqueName('kb');
    const { driveId, rootId } = await driveWithFiles(['one.txt', 'two.txt']);
    await registerAndWaitForSync(kbId, driveId);
    const first = (await call('GET', `kbs/${kbId}/changes`)).json();
    expect(first.events).toHaveLength(2);
    const held: string = first.nextCursor;

    // Storage loses the KB's feed (its counter and event rows); the next changes get numbers 1, 2, … again.
    await deleteFeedRows(kbId);
    await sandbox.control.createFile(driveId, rootId, 'three.txt', 'three');
    await sandbox.control.createFile(driveId, rootId, 'four.txt', 'four');
    expect((await call('POST', `kbs/${kbId}/sources/src/sync`)).status).toBe(202);
    const restarted = await waitFor('the new events', async () => {
      const answer = (await call('GET', `kbs/${kbId}/changes`)).json();
      return answer.events?.length === 2 ? answer : undefined;
    });
    expect(restarted.events.map((event: { name: string }) => event.name).sort()).toEqual(['four.txt', 'three.txt']);

    // Before, the old cursor answered 200 with nothing, and the host skipped these two events for good.
    const stale = await call('GET', `kbs/${kbId}/changes?after=${held}`);
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    const problem = stale.json();
    expect(problem).toMatchObject({
      type: CURSOR_NOT_IN_FEED,
      status: 409,
      reason: 'other-generation',
      headCursor: restarted.nextCursor,
      generation: expect.any(String),
    });
    expect(problem.detail).toMatch(/from the start/);

    const generation = String(restarted.nextCursor).split('.')[0];
    for (const [after, reason] of [
      ['999999', 'other-generation'],
      [`${generation}.000000000999999`, 'beyond-head'],
    ]) {
      const beyond = await call('GET', `kbs/${kbId}/changes?after=${after}`);
      expect(beyond.status, after).toBe(409);
      expect(beyond.json()).toMatchObject({ reason, headCursor: restarted.nextCursor });
    }
    // The head cursor from the problem is a cursor the host can continue from.
    const resumed = await call('GET', `kbs/${kbId}/changes?after=${problem.headCursor}`);
    expect(resumed.json()).toEqual({ events: [], nextCursor: problem.headCursor, hasMore: false });
  });

  it('streams content with Range (206) and If-None-Match (304), and only for included items', async () => {
    const kbId = uniqueName('kb');
    const { driveId, files } = await driveWithFiles(['doc.txt', 'skip.bin']);
    await registerAndWaitForSync(kbId, driveId, { filters: { extensions: ['.txt'] } });
    const [doc, skipped] = files;
    const path = `kbs/${kbId}/sources/src/items/${doc!.id}/content`;

    const whole = await call('GET', path);
    expect(whole.status).toBe(200);
    expect(whole.text).toBe('content of doc.txt');
    const etag = whole.headers.get('etag');
    expect(etag).toBeTruthy();

    const part = await call('GET', path, { headers: { range: 'bytes=11-13' } });
    expect(part.status).toBe(206);
    expect(part.text).toBe('doc');
    expect(part.headers.get('content-range')).toMatch(/^bytes 11-13\/18$/);

    const unchanged = await call('GET', path, { headers: { 'if-none-match': etag! } });
    expect(unchanged.status).toBe(304);

    expect((await call('GET', `kbs/${kbId}/sources/src/items/${skipped!.id}/content`)).status).toBe(404);

    // What the handler hands to the Functions runtime is the provider's stream itself, not bytes it read.
    const direct = (await itemContent.handler(
      new azureFunctions.HttpRequest({
        method: 'GET',
        url: `http://127.0.0.1/api/${path}`,
        params: { kbId, sourceId: 'src', itemId: doc!.id },
      }),
      new azureFunctions.InvocationContext({ functionName: 'itemContent' }),
    )) as HttpResponseInit;
    expect(direct.status).toBe(200);
    expect(direct.body).toBeInstanceOf(Readable);
    expect(await text(direct.body as Readable)).toBe('content of doc.txt');
  });

  it('answers a Range beyond the end with a complete 416 problem, and HEAD with the headers of GET', async () => {
    const kbId = uniqueName('kb');
    const { driveId, files } = await driveWithFiles(['doc.txt']);
    await registerAndWaitForSync(kbId, driveId);
    const path = `kbs/${kbId}/sources/src/items/${files[0]!.id}/content`;

    // The body read in full proves its length matches Content-Length (a longer promise would hang the read).
    const beyond = await call('GET', path, { headers: { range: 'bytes=100-200' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-type')).toBe('application/problem+json');
    expect(beyond.headers.get('content-range')).toBe('bytes */18');
    expect(Number(beyond.headers.get('content-length'))).toBe(Buffer.byteLength(beyond.text));
    expect(beyond.json()).toMatchObject({ status: 416, title: 'range not satisfiable' });

    const get = await call('GET', path);
    const head = await call('HEAD', path);
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    for (const name of ['content-length', 'content-type', 'etag', 'accept-ranges']) {
      expect(head.headers.get(name), name).toBe(get.headers.get(name));
    }
    expect(head.headers.get('content-length')).toBe('18');
  });

  it('holds a mass delete until the host confirms it', async () => {
    const kbId = uniqueName('kb');
    const { driveId, files } = await driveWithFiles(['a.txt', 'b.txt', 'c.txt']);
    await registerAndWaitForSync(kbId, driveId);
    for (const file of files.slice(0, 2)) await sandbox.control.deleteItem(driveId, file.id);
    expect((await call('POST', `kbs/${kbId}/sources/src/sync`)).status).toBe(202);
    const held = await waitFor('the held state', async () => {
      const status = (await call('GET', `kbs/${kbId}/sources/src`)).json();
      return status.state === 'held' ? status : undefined;
    });
    expect(held).toMatchObject({ heldDeleteCount: 2, stateReason: expect.stringContaining('confirm') });

    const confirmed = await call('POST', `kbs/${kbId}/sources/src/confirm-deletes`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.json()).toMatchObject({ released: 2, source: { state: 'active', itemCount: 1 } });
    const feed = (await call('GET', `kbs/${kbId}/changes?limit=1000`)).json();
    expect(feed.events.filter((event: { op: string }) => event.op === 'delete')).toHaveLength(2);
    expect((await call('POST', `kbs/${kbId}/sources/src/confirm-deletes`)).status).toBe(409);
  });

  it('deletes a source with 204, then knows it no more', async () => {
    const kbId = uniqueName('kb');
    const { driveId } = await driveWithFiles(['gone.txt']);
    await registerAndWaitForSync(kbId, driveId);
    const deleted = await call('DELETE', `kbs/${kbId}/sources/src`);
    expect(deleted.status).toBe(204);
    expect((await call('GET', `kbs/${kbId}/sources/src`)).status).toBe(404);
    expect((await call('DELETE', `kbs/${kbId}/sources/src`)).status).toBe(404);
    expect((await call('GET', `kbs/${kbId}/changes`)).status).toBe(404);
  });

  it('moves a malformed sync-job message to the poison queue and keeps working', async () => {
    const poison = services.storage.queue(poisonQueueName(QUEUES.syncJobs));
    await poison.clearMessages();
    await services.storage.queue(QUEUES.syncJobs).sendMessage(encodeMessage({ kbId: 'kb', reason: 'nonsense' }));
    const message = await waitFor('the poisoned message', async () => {
      const { peekedMessageItems } = await poison.peekMessages({ numberOfMessages: 1 });
      return peekedMessageItems[0];
    });
    const poisoned = JSON.parse(Buffer.from(message.messageText, 'base64').toString('utf8')) as { problem: string };
    expect(poisoned.problem).toMatch(/sourceId/);
    // The worker is still alive: a new source still gets synced.
    const { driveId } = await driveWithFiles(['after.txt']);
    await registerAndWaitForSync(uniqueName('kb'), driveId);
  });

  it('never sent a refresh token in any response or log line', () => {
    expect(refreshTokens.length).toBeGreaterThan(3);
    for (const token of refreshTokens) {
      for (const text of responseTexts) expect(text).not.toContain(token);
      for (const line of logLines) expect(line).not.toContain(token);
    }
  });
});
