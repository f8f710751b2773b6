// Push to the host on Azurite with the real stores and queue, against a receiver on 127.0.0.1 that
// verifies every signature itself (test/support/hook-receiver.ts): a burst of feed appends gives one
// POST with the newest head; failures are retried with backoff (Retry-After honoured) and the same
// message id; repeated failure disables the hook with the reason; a PUT re-enables it with a new
// secret; a name that rebinds to the metadata address after registration is refused at delivery
// without a connection; the secret is in no table row in clear and in no log line.
// The hook-delivery queue is driven by hand here (the e2e test runs it through the local host).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices, type Services } from '../../../shared/app/composition-root.js';
import { loadConfig } from '../../../shared/app/config.js';
import { generateLocalTokenKeyEntry } from '../../../shared/adapters/azure-tables/local-token-keys.js';
import { NodeHookTransport } from '../../../shared/adapters/hooks/node-hook-transport.js';
import { QUEUES, TABLES } from '../../../shared/adapters/storage/names.js';
import type { HookDeliveryOutcome } from '../../../shared/core/hooks/hook-delivery.js';
import type { ResolvedAddress } from '../../../shared/core/hooks/hook-target-policy.js';
import type { HookTransport } from '../../../shared/core/ports/hook-ports.js';
import { fileEventBody } from '../../support/event-bodies.js';
import { startHookReceiver, verifyStandardWebhook, type HookReceiver } from '../../support/hook-receiver.js';
import { waitFor } from '../../support/host-wait.js';
import { createAppStorage, isolatedStorage } from '../../support/isolated-storage.js';
import { capturingLogger } from '../../support/logger.js';
import { storageConnectionString, uniqueName } from '../../support/storage.js';

const logLines: string[] = [];
const log = capturingLogger(logLines);
/** What the stub resolver answers, per name (tests never use real DNS). */
const dns = new Map<string, ResolvedAddress[]>();
/** Every address the transport was asked to connect to. */
const connections: string[] = [];
let services: Services;
let receiver: HookReceiver;

beforeAll(async () => {
  const storage = isolatedStorage(storageConnectionString());
  await createAppStorage(storage);
  const config = loadConfig({
    AzureWebJobsStorage: storageConnectionString(),
    LOCAL_TOKEN_KEYS: generateLocalTokenKeyEntry('k1'),
    HOOK_DEBOUNCE_MS: '1000',
    HOOK_RETRY_BASE_MS: '100',
    HOOK_RETRY_MAX_MS: '4000', // caps Retry-After; the jittered delays stay far below it
    HOOK_MAX_CONSECUTIVE_FAILURES: '3',
    HOOK_TIMEOUT_MS: '300',
  });
  expect(config.localRun).toBe(true);
  const real = new NodeHookTransport();
  const transport: HookTransport = {
    post: (target, headers, body, timeoutMs) => {
      connections.push(target.address.address);
      return real.post(target, headers, body, timeoutMs);
    },
  };
  services = buildServices(config, {
    storage,
    hookTransport: transport,
    hookResolver: (hostname) => Promise.resolve(dns.get(hostname) ?? []),
  });
  receiver = await startHookReceiver();
});

afterAll(async () => {
  await receiver?.stop();
});

/** Receives and handles hook-delivery messages until `until` holds (each visible once its delay ends). */
async function runDeliveries(until: (outcomes: HookDeliveryOutcome[]) => boolean): Promise<HookDeliveryOutcome[]> {
  const queue = services.storage.queue(QUEUES.hookDelivery);
  const outcomes: HookDeliveryOutcome[] = [];
  await waitFor(
    'hook deliveries',
    async () => {
      const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 30 });
      for (const item of receivedMessageItems) {
        const message: unknown = JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8'));
        outcomes.push(await services.useCases.deliverHook(message, log));
        await queue.deleteMessage(item.messageId, item.popReceipt);
      }
      return until(outcomes);
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  return outcomes;
}

async function queuedCount(): Promise<number> {
  const properties = await services.storage.queue(QUEUES.hookDelivery).getProperties();
  return properties.approximateMessagesCount ?? 0;
}

async function register(kbId: string, url = receiver.url) {
  const result = await services.useCases.registerHook(kbId, { url });
  if (result.kind === 'refused') throw new Error(result.reason);
  receiver.secret = result.secret;
  return result;
}

async function appendBurst(kbId: string, appends: number) {
  for (let i = 0; i < appends; i++) {
    await services.notifyingFeed.append(kbId, [
      fileEventBody(kbId, 'src', `item-${i}-a`),
      fileEventBody(kbId, 'src', `item-${i}-b`),
    ]);
  }
  return services.feed.head(kbId);
}

/** The head cursor a push announced. */
const headOf = (push: { body: string }) => (JSON.parse(push.body) as { headCursor: string }).headCursor;

const pushesFor = (kbId: string) => receiver.received.filter((push) => push.body.includes(`"kbId":"${kbId}"`));

describe('push to the host', () => {
  it('gives one signed POST with the newest head cursor for a burst of appends', async () => {
    const kbId = uniqueName('kb');
    receiver.script([], { status: 204 });
    const created = await register(kbId);
    expect(created.kind).toBe('created');
    const head = await appendBurst(kbId, 5);
    expect(await queuedCount()).toBe(1);

    const outcomes = await runDeliveries((seen) => seen.includes('delivered'));
    expect(outcomes).toEqual(['delivered']);
    const pushes = pushesFor(kbId);
    expect(pushes).toHaveLength(1);
    expect(JSON.parse(pushes[0]!.body)).toEqual({ kbId, headCursor: head });
    expect(pushes[0]!.verified).toBe(true);
    expect(pushes[0]!.headers['content-type']).toBe('application/json');
    expect(pushes[0]!.headers['webhook-id']).toMatch(/^msg_/);

    const status = await services.useCases.getHook(kbId);
    expect(status).toMatchObject({ state: 'active', lastStatus: 204, consecutiveFailures: 0, deliveredCursor: head });
    expect(status?.lastDeliveryAt).not.toBeNull();
    expect(status).not.toHaveProperty('secret');

    // A later append is a new notification, with a new id.
    const next = await appendBurst(kbId, 1);
    await runDeliveries((seen) => seen.includes('delivered'));
    expect(pushesFor(kbId).map((push) => headOf(push))).toEqual([head, next]);
    expect(pushesFor(kbId)[1]!.headers['webhook-id']).not.toBe(pushes[0]!.headers['webhook-id']);
  });

  it('retries failures with backoff and the same message id, honouring Retry-After, then succeeds', async () => {
    const kbId = uniqueName('kb');
    receiver.script([{ status: 503, headers: { 'retry-after': '3' } }, 'hang'], { status: 200 });
    await register(kbId);
    const head = await appendBurst(kbId, 1);
    const outcomes = await runDeliveries((seen) => seen.includes('delivered'));
    expect(outcomes).toEqual(['retry-scheduled', 'retry-scheduled', 'delivered']);
    const pushes = pushesFor(kbId);
    expect(pushes).toHaveLength(3);
    expect(pushes.every((push) => push.verified)).toBe(true);
    expect(new Set(pushes.map((push) => push.headers['webhook-id'])).size).toBe(1);
    expect(pushes.every((push) => headOf(push) === head)).toBe(true);
    // Retry-After: 3 on the 503 is a floor under the jittered delay (at most 1 s without it).
    const at = pushes.map((push) => Number(push.headers['webhook-timestamp']));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(3);
    expect(
      logLines.some((line) => line.includes('hook.retry_scheduled') && line.includes('no answer within 300 ms')),
    ).toBe(true);
    expect(await services.useCases.getHook(kbId)).toMatchObject({
      state: 'active',
      consecutiveFailures: 0,
      lastStatus: 200,
      lastError: null,
    });
  });

  it('disables the hook after repeated failures with the reason, and a PUT re-enables it with a new secret', async () => {
    const kbId = uniqueName('kb');
    receiver.script([], { status: 500 });
    const first = await register(kbId);
    await appendBurst(kbId, 1);
    const outcomes = await runDeliveries((seen) => seen.includes('disabled-now'));
    expect(outcomes).toEqual(['retry-scheduled', 'retry-scheduled', 'disabled-now']);
    const disabled = await services.useCases.getHook(kbId);
    expect(disabled).toMatchObject({ state: 'disabled', lastStatus: 500, consecutiveFailures: 3 });
    expect(disabled?.disabledReason).toMatch(/3 consecutive failed deliveries.*HTTP 500/);

    // Disabled: appends schedule nothing.
    const before = await queuedCount();
    await appendBurst(kbId, 1);
    expect(await queuedCount()).toBe(before);

    receiver.script([], { status: 204 });
    const again = await register(kbId);
    expect(again.kind).toBe('updated');
    expect(again.secret).not.toBe(first.secret);
    expect(again.view).toMatchObject({ state: 'active', consecutiveFailures: 0, disabledReason: null });
    const head = await appendBurst(kbId, 1);
    await runDeliveries((seen) => seen.includes('delivered'));
    const last = pushesFor(kbId).at(-1)!;
    expect(JSON.parse(last.body)).toEqual({ kbId, headCursor: head });
    expect(last.verified).toBe(true);
    expect(verifyStandardWebhook(first.secret, last.headers, last.body)).toBe(false);
  });

  it('refuses at delivery a name that now resolves to the metadata address, without connecting', async () => {
    const kbId = uniqueName('kb');
    const host = `${kbId}.hooks.example`;
    dns.set(host, [{ address: '93.184.216.34', family: 4 }]);
    await register(kbId, `https://${host}/push`);
    dns.set(host, [{ address: '169.254.169.254', family: 4 }]);
    const connectionsBefore = connections.length;
    await appendBurst(kbId, 1);
    const outcomes = await runDeliveries((seen) => seen.includes('retry-scheduled'));
    expect(outcomes[0]).toBe('retry-scheduled');
    expect(connections.length).toBe(connectionsBefore);
    expect((await services.useCases.getHook(kbId))?.lastError).toMatch(/target refused: .*metadata/);
    await services.useCases.deleteHook(kbId);
    expect(await runDeliveries((seen) => seen.length > 0)).toEqual(['gone']);
  });

  it('refuses non-https, credentials and private targets at registration', async () => {
    dns.set('private.hooks.example', [{ address: '10.0.0.5', family: 4 }]);
    for (const url of [
      'http://public.hooks.example/push',
      'https://user:pw@public.hooks.example/push',
      'https://private.hooks.example/push',
      'https://[::ffff:169.254.169.254]/',
    ]) {
      const result = await services.useCases.registerHook(uniqueName('kb'), { url });
      expect({ url, kind: result.kind }).toEqual({ url, kind: 'refused' });
    }
  });

  it('keeps the secret out of table rows and log lines, and DELETE removes it', async () => {
    const kbId = uniqueName('kb');
    const { secret } = await register(kbId);
    const rows: string[] = [];
    for (const name of [TABLES.hooks, TABLES.localTokens, TABLES.leases]) {
      for await (const row of services.storage.table(name).listEntities()) rows.push(JSON.stringify(row));
    }
    expect(rows.some((row) => row.includes(kbId))).toBe(true);
    expect(rows.filter((row) => row.includes(secret.slice('whsec_'.length)))).toEqual([]);
    expect(await services.hookSecrets.read(kbId)).toBe(secret);
    expect(logLines.filter((line) => line.includes('whsec_'))).toEqual([]);

    expect(await services.useCases.deleteHook(kbId)).toBe('deleted');
    expect(await services.hookSecrets.read(kbId)).toBeUndefined();
    expect(await services.useCases.getHook(kbId)).toBeUndefined();
    expect(await services.useCases.deleteHook(kbId)).toBe('not_found');
  });
});
