// Table and Queue storage unreachable (the app pointed at a closed loopback port): every host route
// and both webhooks answer 503 problem+json with Retry-After, quickly and without listener leaks,
// through the local host that serves the same definitions Azure registers.
import { randomBytes, randomUUID } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { azuriteConnectionString, freePort } from '../../../dev/azurite/azurite-process.js';
import { loadFunctionDefinitions } from '../../../dev/host/load-functions.js';
import { startLocalHost, type RunningLocalHost } from '../../../dev/host/local-host.js';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import { buildServices, setServices } from '../../../shared/app/composition-root.js';
import {
  createStorageClients,
  QUEUE_RETRY_OPTIONS,
  TABLE_RETRY_OPTIONS,
} from '../../../shared/adapters/storage/storage-clients.js';
import { isStorageUnavailable } from '../../../shared/adapters/storage/storage-unavailable.js';
import { appConfigFor } from '../../support/sandbox-app-config.js';
import { recordContract } from '../../support/contract-recorder.js';

/** Every answer is checked against the OpenAPI document after the file's tests. */
const contract = recordContract();

const functionKey = randomBytes(24).toString('base64url');
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
let sandbox: Sandbox;
let host: RunningLocalHost;
/** Milliseconds per answer, printed for the report; wall-clock figures are never asserted. */
const took: Record<string, number> = {};
const logLines: string[] = [];

beforeAll(async () => {
  process.on('warning', onWarning);
  // Bound and closed again: nothing listens there, so every storage call is refused.
  const port = await freePort();
  const deadStorage = azuriteConnectionString({ blob: port, queue: port, table: port });
  sandbox = await startSandbox();
  const config = appConfigFor(sandbox, deadStorage, {
    CONNECT_STATE_SECRET: randomBytes(32).toString('hex'),
    CONNECT_RETURN_TO_ALLOWLIST: 'https://host.example',
  });
  setServices(buildServices(config));
  const http = (await loadFunctionDefinitions()).filter((definition) => definition.kind === 'http');
  host = await startLocalHost({
    definitions: http,
    port: 0,
    storageConnectionString: deadStorage,
    functionKey,
    log: (line) => logLines.push(line),
    onResponse: contract.record,
  });
});

afterAll(async () => {
  await host?.stop();
  await sandbox?.stop();
  setServices(undefined);
  process.off('warning', onWarning);
  console.log('answer times with storage down (ms):', JSON.stringify(took));
});

const source = 'kbs/kb1/sources/src';
const notification = {
  subscriptionId: randomUUID(),
  subscriptionExpirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
  changeType: 'updated',
  resource: '/drives/b!abc/root',
  clientState: 'state',
  tenantId: randomUUID(),
  resourceData: null,
};
const calls: Array<[string, string, unknown?]> = [
  ['PUT', source, { type: 'onedrive', drive: { driveId: 'b!abc' }, refreshToken: 'rt' }],
  ['GET', source],
  ['GET', 'kbs/kb1/sources'],
  ['DELETE', source],
  ['POST', `${source}/sync`],
  ['POST', `${source}/confirm-deletes`],
  ['GET', 'kbs/kb1/changes?after=0'],
  ['GET', `${source}/items/item1/content`],
  ['HEAD', `${source}/items/item1/content`],
  ['GET', `connect/start?kbId=kb1&sourceId=src&returnTo=${encodeURIComponent('https://host.example/done')}`],
  ['POST', 'webhooks/graph', { value: [notification] }],
  ['POST', 'webhooks/graph/lifecycle', { value: [{ ...notification, lifecycleEvent: 'missed' }] }],
];

describe('with Table and Queue storage unreachable', () => {
  test.each(calls)('%s %s answers 503 problem+json with Retry-After', async (method, path, body) => {
    const started = performance.now();
    const response = await fetch(`${host.baseUrl}/api/${path}`, {
      method,
      headers: { 'x-functions-key': functionKey, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    took[`${method} ${path.split('?')[0]}`] = Math.round(performance.now() - started);
    expect(response.status, text).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    if (method !== 'HEAD') expect(JSON.parse(text)).toMatchObject({ status: 503 });
  });

  test('health says unavailable too', async () => {
    expect((await fetch(`${host.baseUrl}/api/health`)).status).toBe(503);
  });

  test('a burst of concurrent requests all get 503', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${host.baseUrl}/api/kbs/kb${i}/sources`, { headers: { 'x-functions-key': functionKey } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 503));
  });

  test('the SDK clients try each operation at most 3 times, with short waits', async () => {
    // A server that resets every connection: each try is one connection.
    let connections = 0;
    const resetting = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    const port = (resetting.address() as AddressInfo).port;
    const storage = createStorageClients({
      kind: 'connectionString',
      connectionString: azuriteConnectionString({ blob: port, queue: port, table: port }),
    });
    try {
      for (const operation of [
        () => storage.tableService.getProperties(),
        () => storage.queueService.getProperties(),
      ]) {
        connections = 0;
        await expect(operation()).rejects.toSatisfy(isStorageUnavailable);
        expect(connections).toBeGreaterThan(0);
        expect(connections).toBeLessThanOrEqual(3);
      }
    } finally {
      resetting.close();
    }
    expect(Math.max(TABLE_RETRY_OPTIONS.maxRetryDelayInMs, QUEUE_RETRY_OPTIONS.maxRetryDelayInMs)).toBeLessThan(1_000);
  });

  test('each outage is logged as such, with no detail that could carry a secret', () => {
    const outages = logLines.filter((line) => line.includes('http.storage_unavailable'));
    expect(outages.length).toBeGreaterThanOrEqual(calls.length - 1);
    expect(outages.join('\n')).not.toMatch(/AccountKey|sig=/);
  });

  test('no MaxListenersExceededWarning was emitted', () => {
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
