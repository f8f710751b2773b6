// GET /api/openapi.json over the local host, and the contract check itself: answers that keep the
// document pass, and a route that answers off-schema (a field too many, one missing, an undocumented
// status or content type) is reported. The other e2e files run the same check on all their answers
// (test/support/contract-recorder.ts).
import { randomBytes } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { HttpHandler } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalHost, type RunningLocalHost } from '../../../dev/host/local-host.js';
import type { ObservedResponse } from '../../../dev/host/response-observer.js';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import { changes } from '../../../functions/changes.js';
import { health } from '../../../functions/health.js';
import { openapi } from '../../../functions/openapi.js';
import { sourcesGet } from '../../../functions/sources-get.js';
import { sourcesPut } from '../../../functions/sources-put.js';
import { syncJob } from '../../../functions/sync-job.js';
import { buildServices, setServices } from '../../../shared/app/composition-root.js';
import type { HttpFunctionDefinition } from '../../../shared/app/function-definitions.js';
import { buildOpenApiDocument } from '../../../shared/app/openapi/openapi-document.js';
import { ensureStorage } from '../../../shared/adapters/storage/ensure-storage.js';
import { sandboxAppConfig } from '../../integration/api/api-test-bed.js';
import { contractRecorder, recordContract } from '../../support/contract-recorder.js';
import { waitFor } from '../../support/host-wait.js';
import { storageConnectionString } from '../../support/storage.js';

const functionKey = randomBytes(24).toString('base64url');
const contract = recordContract();
/** Answers of a host whose feed route is made to answer off-schema; checked by hand below. */
const offSchema = contractRecorder();
let sandbox: Sandbox;
let host: RunningLocalHost;
let drifting: RunningLocalHost;
let settingValues: string[];

/** The feed route with its answer changed after the real handler built it. */
function changesAnswering(change: (page: Record<string, unknown>) => void): HttpFunctionDefinition {
  const handler: HttpHandler = async (request, context) => {
    const answer = await changes.handler(request, context);
    if (!('body' in answer) || typeof answer.body !== 'string' || answer.status !== 200) return answer;
    const page = JSON.parse(answer.body) as Record<string, unknown>;
    change(page);
    return { ...answer, body: JSON.stringify(page) };
  };
  return { ...changes, handler };
}

async function call(base: RunningLocalHost, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base.baseUrl}/api/${path}`, {
    method,
    headers: { 'x-functions-key': functionKey, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  sandbox = await startSandbox();
  const config = sandboxAppConfig(sandbox);
  settingValues = [storageConnectionString(), functionKey, sandbox.baseUrl];
  const services = buildServices(config);
  await ensureStorage(services.storage);
  setServices(services);
  const common = { port: 0, storageConnectionString: storageConnectionString(), functionKey, log: () => {} };
  host = await startLocalHost({
    ...common,
    definitions: [openapi, health, sourcesPut, sourcesGet, changes, syncJob],
    hostJson: { maxPollingIntervalMs: 200 },
    onResponse: contract.record,
  });
  let calls = 0;
  drifting = await startLocalHost({
    ...common,
    definitions: [
      changesAnswering((page) => {
        // First call: a field the document does not name; second: a required field gone.
        if (calls++ === 0) page.nextPosition = page.nextCursor;
        else delete page.hasMore;
      }),
    ],
    onResponse: offSchema.record,
  });
});

afterAll(async () => {
  await drifting?.stop();
  await host?.stop();
  await sandbox?.stop();
  setServices(undefined);
});

describe('GET /api/openapi.json', () => {
  it('serves the document without a key: OpenAPI 3.1, as built, with no setting or key in it', async () => {
    const response = await fetch(`${host.baseUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const text = await response.text();
    const served = JSON.parse(text) as Record<string, unknown>;
    expect(served).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    const validator = new Validator();
    expect(await validator.validate(served)).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
    for (const value of settingValues) expect(text.includes(value)).toBe(false);
  });
});

describe('the contract check', () => {
  it('passes the answers of a registration, a sync and a feed read', async () => {
    const { driveId, rootId } = await sandbox.control.createDrive({
      driveType: 'business',
      ownerUserId: sandbox.defaultUserId,
    });
    await sandbox.control.createFile(driveId, rootId, 'a.txt', 'a');
    const { refreshToken } = await sandbox.control.issueRefreshToken({
      userId: sandbox.defaultUserId,
      scopes: ['Files.Read.All', 'offline_access'],
    });
    const put = await call(host, 'PUT', 'kbs/contract/sources/src', {
      type: 'onedrive',
      drive: { driveId },
      refreshToken,
    });
    expect(put.status).toBe(201);
    await waitFor('the first sync', async () => {
      const status = await call(host, 'GET', 'kbs/contract/sources/src');
      return (JSON.parse(status.text) as { lastSyncResult?: string }).lastSyncResult === 'ok';
    });
    const page = await call(host, 'GET', 'kbs/contract/changes');
    expect(JSON.parse(page.text)).toMatchObject({ events: [{ name: 'a.txt', op: 'upsert' }], hasMore: false });
    expect((await call(host, 'GET', 'kbs/contract/changes?after=nonsense')).status).toBe(400);
    expect((await call(host, 'PUT', 'kbs/contract/sources/src', { type: 'onedrive', driv: {} })).status).toBe(400);
    expect((await fetch(`${host.baseUrl}/api/kbs/contract/sources/src`)).status).toBe(401);
    expect(contract.count()).toBeGreaterThanOrEqual(7);
    expect(contract.violations()).toEqual([]);
  });

  it('reports a route that answers a field the document does not name, or lacks a required one', async () => {
    expect((await call(drifting, 'GET', 'kbs/contract/changes')).status).toBe(200);
    expect((await call(drifting, 'GET', 'kbs/contract/changes')).status).toBe(200);
    const violations = offSchema.violations();
    expect(violations).toEqual([
      expect.stringMatching(
        /GET \/api\/kbs\/contract\/changes → 200: body must NOT have additional properties.*nextPosition/,
      ),
      expect.stringMatching(/GET \/api\/kbs\/contract\/changes → 200: body must have required property 'hasMore'/),
    ]);
  });

  it('reports an answer with an undocumented status, content type, path or event field', () => {
    const check = contractRecorder();
    const page = JSON.stringify({
      events: [
        {
          cursor: 'c',
          eventId: 'e',
          schemaVersion: 2,
          kbId: 'k',
          sourceId: 's',
          itemId: 'i',
          kind: 'file',
          op: 'upsert',
          contentChanged: true,
          name: null,
          path: null,
          mimeType: null,
          size: null,
          eTag: null,
          quickXorHash: null,
          contentHash: null,
          lastModifiedDateTime: null,
          webUrl: null,
        },
      ],
      nextCursor: 'c',
      hasMore: false,
    });
    const answer = (changed: Partial<ObservedResponse>): ObservedResponse => ({
      method: 'GET',
      url: '/api/kbs/k/changes',
      status: 200,
      contentType: 'application/json',
      body: page,
      ...changed,
    });
    for (const recorded of [
      answer({}),
      answer({ status: 418 }),
      answer({ contentType: 'text/plain' }),
      answer({ url: '/api/kbs/k/elsewhere' }),
      answer({ method: 'DELETE' }),
      answer({ status: 404, contentType: 'application/problem+json', body: '{"title":"x","status":404}' }),
    ]) {
      check.record(recorded);
    }
    expect(check.violations()).toEqual([
      expect.stringMatching(/→ 200: body\/events\/0\/schemaVersion must be equal to constant/),
      expect.stringMatching(/→ 418: status 418 is not documented/),
      expect.stringMatching(/content type text\/plain is not one of application\/json/),
      expect.stringMatching(/elsewhere → 200: no documented path/),
      expect.stringMatching(/DELETE is not documented for \/kbs\/\{kbId\}\/changes/),
      expect.stringMatching(/→ 404: body must have required property 'type'/),
    ]);
  });
});
