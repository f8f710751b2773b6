// The local Functions host against the shared Azurite, over real HTTP on loopback, with test-only
// function definitions: function keys, routing, body limit, errors, streaming, queue triggers with
// host.json retry/poison semantics, timers and graceful stop.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { HttpRequest, InvocationContext, Timer } from '@azure/functions';
import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocalHost, type RunningLocalHost } from '../../dev/host/local-host.js';
import type { FunctionDefinition } from '../../shared/app/function-definitions.js';
import { poisonQueueName } from '../../shared/adapters/storage/names.js';
import { storageConnectionString, uniqueName } from '../support/storage.js';
import { gate, waitFor } from '../support/host-wait.js';

const BODY_LIMIT = 1024;
const MAX_DEQUEUE_COUNT = 3;
const functionKey = randomBytes(24).toString('base64url');
const okQueueName = uniqueName('host-ok-');
const failQueueName = uniqueName('host-fail-');

const seen = {
  queueMessages: [] as Array<{ message: unknown; metadata: InvocationContext['triggerMetadata'] }>,
  failedAttempts: [] as number[],
  everySecond: [] as Timer[],
  startupRuns: [] as Timer[],
  timerActive: 0,
  timerMaxActive: 0,
};
const streamGate = gate();
const logLines: string[] = [];
/** Chunks the `large` route's body produced: a HEAD must not read it. */
let largeChunksPulled = 0;
const LARGE_CHUNKS = 20_000;

async function* largeBody(): AsyncIterable<Uint8Array> {
  for (let chunk = 0; chunk < LARGE_CHUNKS; chunk++) {
    largeChunksPulled += 1;
    yield Buffer.alloc(1024, 'x');
  }
}

async function* streamedChunks(): AsyncIterable<Uint8Array> {
  yield Buffer.from('first;');
  // The client must have read the first chunk before this resolves, which proves no buffering.
  await streamGate.opened;
  yield Buffer.from('second');
}

const definitions: FunctionDefinition[] = [
  {
    kind: 'http',
    name: 'echo',
    methods: ['GET', 'POST'],
    route: 'echo/{id}/{extra?}',
    authLevel: 'function',
    handler: async (request: HttpRequest, context: InvocationContext) => {
      // Logs the presented key on purpose: the host must redact it.
      context.log('presented key', request.headers.get('x-functions-key'));
      return {
        jsonBody: {
          method: request.method,
          params: request.params,
          query: Object.fromEntries(request.query),
          body: await request.text(),
        },
      };
    },
  },
  {
    kind: 'http',
    name: 'open',
    methods: ['GET'],
    route: 'open',
    authLevel: 'anonymous',
    handler: () => ({ status: 200, body: 'open', headers: { 'x-test': 'yes' } }),
  },
  {
    kind: 'http',
    name: 'fails',
    methods: ['GET'],
    route: 'fails',
    authLevel: 'anonymous',
    handler: () => {
      throw new Error('internal detail that must not leak');
    },
  },
  {
    kind: 'http',
    name: 'stream',
    methods: ['GET'],
    route: 'stream',
    authLevel: 'anonymous',
    handler: () => ({ body: streamedChunks(), headers: { 'content-type': 'text/plain' } }),
  },
  {
    kind: 'http',
    name: 'large',
    methods: ['GET', 'HEAD'],
    route: 'large',
    authLevel: 'anonymous',
    handler: () => ({
      body: largeBody(),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(LARGE_CHUNKS * 1024) },
    }),
  },
  {
    kind: 'queue',
    name: 'collect',
    queueName: okQueueName,
    handler: (message: unknown, context: InvocationContext) => {
      seen.queueMessages.push({ message, metadata: context.triggerMetadata });
    },
  },
  {
    kind: 'queue',
    name: 'alwaysFails',
    queueName: failQueueName,
    handler: (_message: unknown, context: InvocationContext) => {
      seen.failedAttempts.push(context.triggerMetadata?.dequeueCount as number);
      throw new Error('always fails');
    },
  },
  {
    kind: 'timer',
    name: 'everySecond',
    schedule: '* * * * * *',
    runOnStartup: false,
    handler: async (timer: Timer) => {
      seen.timerActive += 1;
      seen.timerMaxActive = Math.max(seen.timerMaxActive, seen.timerActive);
      seen.everySecond.push(timer);
      // Longer than the one-second period: runs would overlap if the scheduler let them.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      seen.timerActive -= 1;
    },
  },
  {
    kind: 'timer',
    name: 'startup',
    schedule: '%TEST_YEARLY_SCHEDULE%',
    runOnStartup: true,
    handler: (timer: Timer) => {
      seen.startupRuns.push(timer);
    },
  },
];

let host: RunningLocalHost;

beforeAll(async () => {
  host = await startLocalHost({
    definitions,
    port: 0,
    storageConnectionString: storageConnectionString(),
    functionKey,
    maxRequestBodyBytes: BODY_LIMIT,
    hostJson: {
      visibilityTimeoutMs: 0,
      maxDequeueCount: MAX_DEQUEUE_COUNT,
      maxPollingIntervalMs: 200,
      batchSize: 4,
      newBatchThreshold: 2,
    },
    env: { TEST_YEARLY_SCHEDULE: '0 0 0 1 1 *' },
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  streamGate.open();
  await host?.stop();
});

const url = (path: string) => `${host.baseUrl}/api/${path}`;

/** A raw request, for what fetch will not do (declare one length, send fewer bytes; chunked bodies). */
function rawRequest(
  path: string,
  headers: Record<string, string>,
  send: (request: http.ClientRequest) => void,
): Promise<{ status: number; body: string; contentType: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url(path), { method: 'POST', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body, contentType: response.headers['content-type'] }),
      );
    });
    request.on('error', reject);
    send(request);
  });
}

describe('HTTP functions', () => {
  test('a function-key route answers with the key in the x-functions-key header', async () => {
    const response = await fetch(url('echo/abc'), { headers: { 'x-functions-key': functionKey } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ method: 'GET', params: { id: 'abc' } });
  });

  test('a function-key route answers with the key in the code query parameter', async () => {
    const response = await fetch(url(`echo/abc?code=${encodeURIComponent(functionKey)}&x=1`));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ query: { x: '1' } });
  });

  test('a function-key route refuses a missing or wrong key with 401 problem+json', async () => {
    const missing = await fetch(url('echo/abc'));
    const wrongHeader = await fetch(url('echo/abc'), { headers: { 'x-functions-key': `${functionKey}x` } });
    const wrongCode = await fetch(url('echo/abc?code=nope'));
    for (const response of [missing, wrongHeader, wrongCode]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  test('an anonymous route needs no key and keeps its headers', async () => {
    const response = await fetch(url('open'));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-test')).toBe('yes');
    expect(await response.text()).toBe('open');
  });

  test('route parameters, including an optional one, and the body reach the handler', async () => {
    const response = await fetch(url('echo/kb%201/more'), {
      method: 'POST',
      headers: { 'x-functions-key': functionKey },
      body: 'hello',
    });
    expect(await response.json()).toMatchObject({
      method: 'POST',
      params: { id: 'kb 1', extra: 'more' },
      body: 'hello',
    });
  });

  test('an unknown route, and a known route with another method, get 404 as in Azure', async () => {
    expect((await fetch(url('nowhere'))).status).toBe(404);
    expect((await fetch(url('echo/a/b/c'), { headers: { 'x-functions-key': functionKey } })).status).toBe(404);
    expect((await fetch(url('open'), { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${host.baseUrl}/open`)).status).toBe(404);
  });

  test('a body declared larger than the limit gets 413 before it is sent', async () => {
    const response = await rawRequest(
      'echo/big',
      { 'x-functions-key': functionKey, 'content-length': String(BODY_LIMIT * 1000) },
      // Only a few bytes go out: the answer must come from the declared length alone.
      (request) => request.write('partial'),
    );
    expect(response.status).toBe(413);
    expect(response.contentType).toBe('application/problem+json');
  });

  test('a chunked body that grows past the limit gets 413', async () => {
    const response = await rawRequest('echo/big', { 'x-functions-key': functionKey }, (request) => {
      request.write(Buffer.alloc(BODY_LIMIT, 'a'));
      request.end(Buffer.alloc(BODY_LIMIT, 'b'));
    });
    expect(response.status).toBe(413);
  });

  test('a body at the limit is accepted', async () => {
    const response = await fetch(url('echo/fits'), {
      method: 'POST',
      headers: { 'x-functions-key': functionKey },
      body: 'x'.repeat(BODY_LIMIT),
    });
    expect(response.status).toBe(200);
  });

  test('a handler that throws gets a 500 problem+json with no details', async () => {
    const response = await fetch(url('fails'));
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.text()).not.toContain('internal detail');
  });

  test('a streamed body is sent as it is produced, not buffered', async () => {
    const response = await fetch(url('stream'));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = '';
    // The generator is blocked after its first chunk until the gate opens, so this only completes
    // if the host forwarded the first chunk before the body ended.
    while (!received.includes('first;')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    expect(received).toBe('first;');
    streamGate.open();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    expect(received).toBe('first;second');
  });

  test('HEAD on a route that declares it gets the headers, and the body is never read', async () => {
    const head = await fetch(url('large'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(LARGE_CHUNKS * 1024));
    expect(await head.text()).toBe('');
    // A stream is pulled at most a chunk or two ahead before it is cancelled; piping would read all.
    expect(largeChunksPulled).toBeLessThan(10);
    expect((await fetch(url('open'), { method: 'HEAD' })).status).toBe(404);
  });

  test('the function key never reaches the log, even when a handler logs it', async () => {
    await fetch(url('echo/logged'), { headers: { 'x-functions-key': functionKey } });
    await fetch(url(`echo/logged?code=${encodeURIComponent(functionKey)}`));
    expect(logLines.some((line) => line.includes('presented key'))).toBe(true);
    expect(logLines.filter((line) => line.includes(functionKey))).toEqual([]);
  });
});

describe('queue functions', () => {
  const queue = (name: string) => new QueueClient(storageConnectionString(), name);
  // Base64 JSON, as the real host expects it and as our enqueuers write it.
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

  test('a base64 JSON message reaches the handler parsed, with its trigger metadata, and is deleted', async () => {
    const sent = await queue(okQueueName).sendMessage(encode({ sourceId: 's1', n: 1 }));
    const delivery = await waitFor('the message to be handled', () =>
      seen.queueMessages.find((entry) => entry.metadata?.id === sent.messageId),
    );
    expect(delivery.message).toEqual({ sourceId: 's1', n: 1 });
    expect(delivery.metadata).toMatchObject({ dequeueCount: 1, id: sent.messageId });
    for (const key of ['insertionTime', 'expirationTime', 'nextVisibleTime', 'popReceipt']) {
      expect(delivery.metadata?.[key], key).toEqual(expect.any(String));
    }
    await waitFor('the handled message to be deleted', async () => {
      const properties = await queue(okQueueName).getProperties();
      return properties.approximateMessagesCount === 0;
    });
  });

  test('a message that is not JSON arrives as its decoded text', async () => {
    const sent = await queue(okQueueName).sendMessage(Buffer.from('plain text').toString('base64'));
    const delivery = await waitFor('the text message', () =>
      seen.queueMessages.find((entry) => entry.metadata?.id === sent.messageId),
    );
    expect(delivery.message).toBe('plain text');
  });

  test('a failing message is retried up to maxDequeueCount, then moved to <queue>-poison', async () => {
    const text = encode({ doomed: true });
    await queue(failQueueName).sendMessage(text);
    const poison = queue(poisonQueueName(failQueueName));
    const poisoned = await waitFor('the message in the poison queue', async () => {
      const peeked = await poison.peekMessages({ numberOfMessages: 32 });
      return peeked.peekedMessageItems.length > 0 ? peeked.peekedMessageItems : undefined;
    });
    expect(poisoned.map((message) => message.messageText)).toEqual([text]);
    expect(seen.failedAttempts).toEqual([1, 2, 3]);
    expect(seen.failedAttempts).toHaveLength(MAX_DEQUEUE_COUNT);
    const left = await queue(failQueueName).peekMessages();
    expect(left.peekedMessageItems).toEqual([]);
  });
});

describe('timer functions', () => {
  test('runOnStartup fires once at start even when the schedule is a year away', async () => {
    await waitFor('the start-up run', () => seen.startupRuns.length > 0);
    expect(seen.startupRuns).toHaveLength(1);
    expect(seen.startupRuns[0]?.isPastDue).toBe(false);
    expect(Date.parse(seen.startupRuns[0]?.scheduleStatus.next ?? '')).toBeGreaterThan(Date.now());
  });

  test('a one-second schedule fires repeatedly and its runs never overlap', async () => {
    await waitFor('two runs of the one-second timer', () => seen.everySecond.length >= 2, { timeoutMs: 15_000 });
    expect(seen.timerMaxActive).toBe(1);
    const next = new Date(seen.everySecond[0]!.scheduleStatus.next);
    expect(Number.isNaN(next.getTime())).toBe(false);
  });
});

describe('stop()', () => {
  /** Calls stop() and gives it every chance to finish early, while a handler is still blocked. */
  async function stopWhileBlocked(running: RunningLocalHost) {
    let finished = false;
    const done = running.stop().then(() => {
      finished = true;
    });
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    return { finishedEarly: finished, done };
  }

  test('waits for an in-flight invocation, then refuses new connections', async () => {
    const release = gate();
    const entered = gate();
    const slowHost = await startLocalHost({
      definitions: [
        {
          kind: 'http',
          name: 'slow',
          methods: ['GET'],
          route: 'slow',
          authLevel: 'anonymous',
          handler: async () => {
            entered.open();
            await release.opened;
            return { body: 'finished' };
          },
        },
      ],
      port: 0,
      storageConnectionString: storageConnectionString(),
      functionKey,
      log: () => undefined,
    });
    const inFlight = fetch(`${slowHost.baseUrl}/api/slow`);
    await entered.opened;
    const stop = await stopWhileBlocked(slowHost);
    expect(stop.finishedEarly).toBe(false);
    release.open();
    const response = await inFlight;
    expect(await response.text()).toBe('finished');
    await stop.done;
    await expect(fetch(`${slowHost.baseUrl}/api/slow`)).rejects.toThrow();
  });

  test('waits for an in-flight queue invocation, which still completes and deletes its message', async () => {
    const release = gate();
    const entered = gate();
    const queueName = uniqueName('host-stop-');
    const queueHost = await startLocalHost({
      definitions: [
        {
          kind: 'queue',
          name: 'slowQueue',
          queueName,
          handler: async () => {
            entered.open();
            await release.opened;
          },
        },
      ],
      port: 0,
      storageConnectionString: storageConnectionString(),
      functionKey,
      hostJson: { maxPollingIntervalMs: 200 },
      log: () => undefined,
    });
    const queue = new QueueClient(storageConnectionString(), queueName);
    await queue.sendMessage(Buffer.from('{}').toString('base64'));
    await entered.opened;
    const stop = await stopWhileBlocked(queueHost);
    expect(stop.finishedEarly).toBe(false);
    release.open();
    await stop.done;
    expect((await queue.getProperties()).approximateMessagesCount).toBe(0);
  });
});
