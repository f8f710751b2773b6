// The two webhook endpoints through the local host over real HTTP, against Azurite: the validation
// handshake, verification of every notification (clientState, subscription, tenant), the bad-input
// answers, and the 5xx that makes Graph retry when the enqueue fails.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startLocalHost, type RunningLocalHost } from '../../../dev/host/local-host.js';
import { buildServices, getServices, setServices } from '../../../shared/app/composition-root.js';
import { loadConfig } from '../../../shared/app/config.js';
import { QUEUES, TABLES } from '../../../shared/adapters/storage/names.js';
import { watchSecretDigest } from '../../../shared/core/watch/watch-secret.js';
import { SubscriptionStore } from '../../../shared/adapters/azure-tables/subscription-store.js';
import { webhookGraph } from '../../../functions/webhook-graph.js';
import { webhookLifecycle } from '../../../functions/webhook-lifecycle.js';
import { countingTableReads, newTableReadCounter } from '../../support/counting-table.js';
import { createAppStorage, isolatedStorage, peekJson } from '../../support/isolated-storage.js';
import { storageConnectionString } from '../../support/storage.js';

const tenantId = randomUUID();
const clientState = randomBytes(32).toString('base64url');
const subscriptionId = randomUUID();
let host: RunningLocalHost;
let storage: ReturnType<typeof isolatedStorage>;
const logLines: string[] = [];
/** Reads of the subscriptions table by the app, through its real SDK client. */
const subscriptionReads = newTableReadCounter();

function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${host.baseUrl}/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

function notification(overrides: Record<string, unknown> = {}) {
  return {
    subscriptionId,
    subscriptionExpirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
    changeType: 'updated',
    resource: '/drives/b!abc/root',
    clientState,
    tenantId,
    resourceData: null,
    someFieldGraphAddsLater: { nested: true },
    ...overrides,
  };
}

const changesQueued = () => peekJson(storage, QUEUES.graphNotifications);
const lifecycleQueued = () => peekJson(storage, QUEUES.graphLifecycle);

beforeAll(async () => {
  storage = isolatedStorage(storageConnectionString());
  await createAppStorage(storage);
  const config = loadConfig({ AzureWebJobsStorage: storageConnectionString(), MS_TENANT_ID: tenantId });
  setServices(buildServices(config, { storage: countingTableReads(storage, TABLES.subscriptions, subscriptionReads) }));
  await new SubscriptionStore(storage.table(TABLES.subscriptions)).put({
    watchId: subscriptionId,
    kbId: 'kb1',
    sourceId: 'src1',
    issuer: tenantId,
    secretSha256: watchSecretDigest(clientState),
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    createdAt: new Date().toISOString(),
  });
  host = await startLocalHost({
    definitions: [webhookGraph, webhookLifecycle],
    port: 0,
    storageConnectionString: storageConnectionString(),
    functionKey: randomBytes(16).toString('hex'),
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  await host?.stop();
  setServices(undefined);
});

beforeEach(async () => {
  await storage.queue(QUEUES.graphNotifications).clearMessages();
  await storage.queue(QUEUES.graphLifecycle).clearMessages();
});

describe('validation handshake', () => {
  test('echoes the decoded token as text/plain with 200', async () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 1 & 2';
    const response = await post(`webhooks/graph?validationToken=${encodeURIComponent(token)}`, '', {
      'content-type': 'text/plain; charset=utf-8',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe(token);
  });

  test('answers the lifecycle URL too', async () => {
    const response = await post('webhooks/graph/lifecycle?validationToken=abc%20def', '');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('abc def');
  });

  test('a token holding HTML or script is echoed only as plain text, never as HTML', async () => {
    const token = '<script>alert(document.cookie)</script><img src=x onerror=alert(1)>';
    const response = await post(`webhooks/graph?validationToken=${encodeURIComponent(token)}`, '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await response.text()).toBe(token);
  });

  test('refuses an overlong token', async () => {
    const response = await post(`webhooks/graph?validationToken=${'a'.repeat(5_000)}`, '');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.text()).not.toContain('aaaa');
  });
});

describe('change notifications', () => {
  test('a genuine notification is queued with ids only and answered 202', async () => {
    const response = await post('webhooks/graph', JSON.stringify({ value: [notification()] }));
    expect(response.status).toBe(202);
    const queued = await changesQueued();
    expect(queued).toEqual([
      expect.objectContaining({
        kind: 'notifications',
        items: [{ subscriptionId, kbId: 'kb1', sourceId: 'src1', count: 1 }],
      }),
    ]);
    expect(JSON.stringify(queued)).not.toContain(clientState);
  });

  test('a row written before the watch port (its own column names) still vouches for its notifications', async () => {
    // Exactly what live rows hold: Graph's field names, the clientState's SHA-256, the pinned tenant.
    const liveId = randomUUID();
    const liveClientState = randomBytes(32).toString('base64url');
    await storage.table(TABLES.subscriptions).upsertEntity({
      partitionKey: liveId,
      rowKey: 'subscription',
      subscriptionId: liveId,
      kbId: 'kb-live',
      sourceId: 'src-live',
      tenantId,
      clientStateSha256: createHash('sha256').update(liveClientState, 'utf8').digest('hex'),
      expirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
      createdAt: new Date().toISOString(),
    });
    const live = (overrides: Record<string, unknown>) =>
      notification({ subscriptionId: liveId, clientState: liveClientState, ...overrides });
    const body = { value: [live({}), live({ tenantId: 'another-tenant' }), live({ clientState: clientState })] };
    expect((await post('webhooks/graph', JSON.stringify(body))).status).toBe(202);
    expect(await changesQueued()).toEqual([
      expect.objectContaining({ items: [{ subscriptionId: liveId, kbId: 'kb-live', sourceId: 'src-live', count: 1 }] }),
    ]);
  });

  test('duplicates in one POST become one message', async () => {
    const response = await post('webhooks/graph', JSON.stringify({ value: [notification(), notification()] }));
    expect(response.status).toBe(202);
    expect(await changesQueued()).toEqual([
      expect.objectContaining({ items: [expect.objectContaining({ subscriptionId, count: 2 })] }),
    ]);
  });

  test('a wrong clientState is dropped: 202, nothing queued, counted in the log without the value', async () => {
    const forged = 'forged-client-state-value';
    const response = await post('webhooks/graph', JSON.stringify({ value: [notification({ clientState: forged })] }));
    expect(response.status).toBe(202);
    expect(await changesQueued()).toEqual([]);
    const all = logLines.join('\n');
    expect(all).toContain('wrong-client-state');
    expect(all).not.toContain(forged);
  });

  test('a missing clientState is dropped', async () => {
    const response = await post('webhooks/graph', JSON.stringify({ value: [notification({ clientState: null })] }));
    expect(response.status).toBe(202);
    expect(await changesQueued()).toEqual([]);
  });

  test('an unknown subscription is dropped: 202, nothing queued', async () => {
    const response = await post(
      'webhooks/graph',
      JSON.stringify({ value: [notification({ subscriptionId: randomUUID() })] }),
    );
    expect(response.status).toBe(202);
    expect(await changesQueued()).toEqual([]);
  });

  test('a wrong tenant is dropped: 202, nothing queued', async () => {
    const response = await post(
      'webhooks/graph',
      JSON.stringify({ value: [notification({ tenantId: randomUUID() })] }),
    );
    expect(response.status).toBe(202);
    expect(await changesQueued()).toEqual([]);
  });

  test('in a mixed batch only the genuine notification is queued', async () => {
    const body = { value: [notification({ clientState: 'nope' }), notification(), notification({ tenantId: 'x' })] };
    expect((await post('webhooks/graph', JSON.stringify(body))).status).toBe(202);
    expect(await changesQueued()).toEqual([
      expect.objectContaining({ items: [expect.objectContaining({ subscriptionId, count: 1 })] }),
    ]);
  });

  test('invalid JSON is 400 problem+json', async () => {
    const response = await post('webhooks/graph', '{"value": [');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await changesQueued()).toEqual([]);
  });

  test('a body of the wrong shape is 400', async () => {
    for (const body of [{}, { value: [] }, { value: [{ clientState }] }, { value: 'x' }, [notification()]]) {
      const response = await post('webhooks/graph', JSON.stringify(body));
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.text()).not.toContain(clientState);
    }
    expect(await changesQueued()).toEqual([]);
  });

  test('a 2 MB body is 413', async () => {
    const big = JSON.stringify({ value: [notification({ padding: 'x'.repeat(2 * 1024 * 1024) })] });
    const response = await post('webhooks/graph', big);
    expect(response.status).toBe(413);
    expect(await changesQueued()).toEqual([]);
  });

  test('a 2 MB chunked body (no Content-Length) is 413', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 32; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    // `duplex` is required by undici for a streamed body but missing from the DOM RequestInit type.
    const init: RequestInit & { duplex: 'half' } = { method: 'POST', body: stream, duplex: 'half' };
    const response = await fetch(`${host.baseUrl}/api/webhooks/graph`, init);
    expect(response.status).toBe(413);
  });
});

describe('notifications for subscriptions that are not ours', () => {
  test('1,000 notifications cost at most one read per distinct id, bounded in parallel, and a repeat costs none', async () => {
    const unknownIds = Array.from({ length: 400 }, () => randomUUID());
    const value = Array.from({ length: 1_000 }, (_, i) =>
      notification({ subscriptionId: unknownIds[i % unknownIds.length], clientState: `guess-${i}` }),
    );
    const body = JSON.stringify({ value });

    subscriptionReads.reset();
    expect((await post('webhooks/graph', body)).status).toBe(202);
    expect(subscriptionReads.reads).toBeGreaterThan(0);
    expect(subscriptionReads.reads).toBeLessThanOrEqual(unknownIds.length);
    expect(subscriptionReads.maxInFlight).toBeLessThanOrEqual(16);

    subscriptionReads.reset();
    expect((await post('webhooks/graph', body)).status).toBe(202);
    expect(subscriptionReads.reads).toBe(0);
    expect(await changesQueued()).toEqual([]);
  });

  test('a subscription whose id was just cached as unknown is recognised as soon as the app writes its row', async () => {
    const created = { id: randomUUID(), clientState: randomBytes(32).toString('base64url') };
    const early = notification({ subscriptionId: created.id, clientState: created.clientState });
    // Graph may notify before the row is written (it is written when Graph answers the creation).
    expect((await post('webhooks/graph', JSON.stringify({ value: [early] }))).status).toBe(202);
    expect(await changesQueued()).toEqual([]);

    // The write path WatchManager uses when it creates a subscription.
    await getServices().subscriptionStore.put({
      watchId: created.id,
      kbId: 'kb1',
      sourceId: 'src2',
      issuer: tenantId,
      secretSha256: watchSecretDigest(created.clientState),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      createdAt: new Date().toISOString(),
    });
    expect((await post('webhooks/graph', JSON.stringify({ value: [early] }))).status).toBe(202);
    expect(await changesQueued()).toEqual([
      expect.objectContaining({ items: [{ subscriptionId: created.id, kbId: 'kb1', sourceId: 'src2', count: 1 }] }),
    ]);
  });
});

describe('lifecycle notifications', () => {
  test('each event is queued to graph-lifecycle in neutral names, including organizationId payloads', async () => {
    const body = {
      value: [
        { subscriptionId, clientState, tenantId, lifecycleEvent: 'reauthorizationRequired' },
        {
          subscriptionId,
          clientState,
          organizationId: tenantId,
          resource: `Subscriptions/${subscriptionId}`,
          lifecycleEvent: 'subscriptionRemoved',
        },
      ],
    };
    const response = await post('webhooks/graph/lifecycle', JSON.stringify(body));
    expect(response.status).toBe(202);
    const queued = await lifecycleQueued();
    expect(queued).toHaveLength(2);
    expect(queued).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subscriptionId, kbId: 'kb1', lifecycleEvent: 'reauthorization_required' }),
        expect.objectContaining({ subscriptionId, kbId: 'kb1', lifecycleEvent: 'removed' }),
      ]),
    );
    expect(JSON.stringify(queued)).not.toContain(clientState);
  });

  test('forged lifecycle events are dropped', async () => {
    const body = { value: [{ subscriptionId, clientState: 'wrong', tenantId, lifecycleEvent: 'missed' }] };
    expect((await post('webhooks/graph/lifecycle', JSON.stringify(body))).status).toBe(202);
    expect(await lifecycleQueued()).toEqual([]);
  });

  test('an unknown lifecycle event is 400', async () => {
    const body = { value: [{ subscriptionId, clientState, tenantId, lifecycleEvent: 'somethingElse' }] };
    expect((await post('webhooks/graph/lifecycle', JSON.stringify(body))).status).toBe(400);
  });
});

describe('when the queue is unavailable', () => {
  test('answers 503 so Graph retries', async () => {
    await storage.queue(QUEUES.graphNotifications).delete();
    try {
      const response = await post('webhooks/graph', JSON.stringify({ value: [notification()] }));
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.text()).not.toContain(clientState);
    } finally {
      await storage.queue(QUEUES.graphNotifications).createIfNotExists();
    }
  });
});
