// Push to the host end to end: the hook routes over real HTTP to the local Functions host, and the
// hook-delivery queue polled by that host, pushing to a receiver on 127.0.0.1 that verifies each
// signature itself. Every answer is checked against the OpenAPI document. Waits are bounded polls.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalHost, type RunningLocalHost } from '../../../dev/host/local-host.js';
import { hookDelete } from '../../../functions/hook-delete.js';
import { hookDeliveryWorker } from '../../../functions/hook-delivery-worker.js';
import { hookGet } from '../../../functions/hook-get.js';
import { hookPut } from '../../../functions/hook-put.js';
import { generateLocalTokenKeyEntry } from '../../../shared/adapters/azure-tables/local-token-keys.js';
import { ensureStorage } from '../../../shared/adapters/storage/ensure-storage.js';
import { buildServices, setServices, type Services } from '../../../shared/app/composition-root.js';
import { loadConfig } from '../../../shared/app/config.js';
import { HOOK_URL_REFUSED } from '../../../shared/core/hooks/hook-record.js';
import { recordContract } from '../../support/contract-recorder.js';
import { fileEventBody } from '../../support/event-bodies.js';
import { startHookReceiver, type HookReceiver } from '../../support/hook-receiver.js';
import { waitFor } from '../../support/host-wait.js';
import { storageConnectionString, uniqueName } from '../../support/storage.js';

const functionKey = randomBytes(24).toString('base64url');
const contract = recordContract();
const logLines: string[] = [];
const bodies: string[] = [];
let host: RunningLocalHost;
let services: Services;
let receiver: HookReceiver;

type Json = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${host.baseUrl}/api/${path}`, {
    method,
    headers: { 'x-functions-key': functionKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  bodies.push(text);
  return { status: response.status, headers: response.headers, json: () => JSON.parse(text) as Json };
}

beforeAll(async () => {
  const config = loadConfig({
    AzureWebJobsStorage: storageConnectionString(),
    LOCAL_TOKEN_KEYS: generateLocalTokenKeyEntry('k1'),
    HOOK_DEBOUNCE_MS: '1000',
    HOOK_RETRY_BASE_MS: '100',
    HOOK_RETRY_MAX_MS: '1000',
    HOOK_MAX_CONSECUTIVE_FAILURES: '2',
  });
  services = buildServices(config);
  await ensureStorage(services.storage);
  setServices(services);
  receiver = await startHookReceiver();
  host = await startLocalHost({
    definitions: [hookPut, hookGet, hookDelete, hookDeliveryWorker],
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
  await receiver?.stop();
  setServices(undefined);
});

describe('hooks over HTTP', () => {
  it('registers, pushes a signed head cursor through the queue, shows the status, and deletes', async () => {
    const kbId = uniqueName('kb');
    expect((await call('GET', `kbs/${kbId}/hook`)).status).toBe(404);
    const created = await call('PUT', `kbs/${kbId}/hook`, { url: receiver.url });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const secret = created.json().secret as string;
    expect(secret).toMatch(/^whsec_/);
    receiver.secret = secret;

    for (let i = 0; i < 3; i++) await services.notifyingFeed.append(kbId, [fileEventBody(kbId, 'src', `f${i}`)]);
    const head = await services.feed.head(kbId);
    const push = await waitFor('the push', () => receiver.received.find((p) => p.body.includes(kbId)));
    expect(push.verified).toBe(true);
    expect(JSON.parse(push.body)).toEqual({ kbId, headCursor: head });

    const status = await waitFor('the delivery status', async () => {
      const answer = await call('GET', `kbs/${kbId}/hook`);
      return answer.json().lastDeliveryAt ? answer : undefined;
    });
    expect(status.json()).toMatchObject({ kbId, state: 'active', lastStatus: 204, deliveredCursor: head });
    expect(status.json()).not.toHaveProperty('secret');
    expect(receiver.received.filter((p) => p.body.includes(kbId))).toHaveLength(1);

    expect((await call('DELETE', `kbs/${kbId}/hook`)).status).toBe(204);
    expect((await call('DELETE', `kbs/${kbId}/hook`)).status).toBe(404);
    // The secret was answered once, and never again.
    expect(bodies.filter((text) => text.includes(secret))).toHaveLength(1);
    expect(logLines.filter((line) => line.includes(secret.slice(6)))).toEqual([]);
  });

  it('disables a hook whose receiver keeps failing, with the reason in its status', async () => {
    const kbId = uniqueName('kb');
    receiver.script([], { status: 500 });
    receiver.secret = (await call('PUT', `kbs/${kbId}/hook`, { url: receiver.url })).json().secret as string;
    await services.notifyingFeed.append(kbId, [fileEventBody(kbId, 'src', 'f')]);
    const disabled = await waitFor(
      'the hook disabled',
      async () => {
        const answer = (await call('GET', `kbs/${kbId}/hook`)).json();
        return answer.state === 'disabled' ? answer : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(disabled).toMatchObject({ lastStatus: 500, consecutiveFailures: 2 });
    expect(disabled.disabledReason).toMatch(/HTTP 500/);
    receiver.script([], { status: 204 });
  });

  it('refuses SSRF targets and bad bodies with 400 problem+json', async () => {
    for (const url of [
      'http://hooks.example.com/push',
      'https://user:pw@hooks.example.com/push',
      'https://169.254.169.254/latest',
      'https://10.0.0.1/push',
      'https://[::ffff:192.168.0.1]/push',
      'https://0.0.0.0/push',
    ]) {
      const answer = await call('PUT', `kbs/${uniqueName('kb')}/hook`, { url });
      expect({ url, status: answer.status }).toEqual({ url, status: 400 });
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.json().type).toBe(HOOK_URL_REFUSED);
    }
    const bad = await call('PUT', `kbs/${uniqueName('kb')}/hook`, { href: receiver.url });
    expect(bad.status).toBe(400);
    expect(bad.json().issues).toEqual([expect.objectContaining({ path: 'url' })]);
  });
});
