// The Google webhook (POST /api/webhooks/google) through the local host over real HTTP, against
// Azurite: the sync handshake, a change, each kind of unwanted delivery (unknown channel, forged token,
// wrong resource id), malformed headers, the 503 that makes Google retry, and no secret in any answer
// or log line. Headers as https://developers.google.com/drive/api/guides/push documents them.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startLocalHost, type RunningLocalHost } from '../../../dev/host/local-host.js';
import { buildServices, setServices, type AppTokenManager } from '../../../shared/app/composition-root.js';
import { loadConfig } from '../../../shared/app/config.js';
import { QUEUES, TABLES } from '../../../shared/adapters/storage/names.js';
import { watchSecretDigest } from '../../../shared/core/watch/watch-secret.js';
import { SubscriptionStore } from '../../../shared/adapters/azure-tables/subscription-store.js';
import { webhookGoogle } from '../../../functions/webhook-google.js';
import { createAppStorage, isolatedStorage, peekJson } from '../../support/isolated-storage.js';
import { storageConnectionString } from '../../support/storage.js';

const channelId = randomUUID();
const channelToken = randomBytes(32).toString('base64url');
const resourceId = `res-${randomBytes(8).toString('hex')}`;
let host: RunningLocalHost;
let storage: ReturnType<typeof isolatedStorage>;
const logLines: string[] = [];
/** Every call the webhook makes to the token manager (there must be none). */
const tokenCalls: string[] = [];

function deliver(headers: Record<string, string | undefined>) {
  const sent = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => !!entry[1]));
  return fetch(`${host.baseUrl}/api/webhooks/google`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; utf-8', ...sent },
  });
}

/** A notification of our channel, as Google sends it; `overrides` replace or (undefined) drop headers. */
function headersOf(state: string, overrides: Record<string, string | undefined> = {}) {
  return {
    'X-Goog-Channel-ID': channelId,
    'X-Goog-Channel-Token': channelToken,
    'X-Goog-Channel-Expiration': new Date(Date.now() + 86_400_000).toUTCString(),
    'X-Goog-Resource-ID': resourceId,
    'X-Goog-Resource-URI': 'https://www.googleapis.com/drive/v3/changes?alt=json&pageToken=42',
    'X-Goog-Resource-State': state,
    'X-Goog-Message-Number': state === 'sync' ? '1' : '7',
    ...overrides,
  };
}

const queued = () => peekJson(storage, QUEUES.graphNotifications);
const rejectionLines = () => logLines.filter((line) => line.includes('webhook.notifications_rejected'));

beforeAll(async () => {
  storage = isolatedStorage(storageConnectionString());
  await createAppStorage(storage);
  const config = loadConfig({
    AzureWebJobsStorage: storageConnectionString(),
    GOOGLE_CLIENT_ID: 'client.apps.googleusercontent.com',
    GOOGLE_CLIENT_SECRET: 'google-client-secret-value',
    // Nothing listens here: a Google or token call from the webhook could only fail.
    GOOGLE_OAUTH_TOKEN_URL: 'https://127.0.0.1:9/token',
    GOOGLE_DRIVE_ROOT_URL: 'https://127.0.0.1:9/',
  });
  const record = (name: string) => () => {
    tokenCalls.push(name);
    return Promise.reject(new Error('the webhook must not touch tokens'));
  };
  const tokens: AppTokenManager = {
    getAccessToken: record('getAccessToken'),
    invalidateAccessToken: record('invalidateAccessToken'),
    storeGrant: record('storeGrant'),
    storeAppOnlyGrant: record('storeAppOnlyGrant'),
    revoke: record('revoke'),
  };
  setServices(buildServices(config, { storage, tokens }));
  await new SubscriptionStore(storage.table(TABLES.subscriptions)).put({
    watchId: channelId,
    kbId: 'kb-g',
    sourceId: 'drive-1',
    secretSha256: watchSecretDigest(channelToken),
    resource: resourceId,
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    createdAt: new Date().toISOString(),
  });
  host = await startLocalHost({
    definitions: [webhookGoogle],
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
  logLines.length = 0;
});

describe('deliveries of our channel', () => {
  test('the sync handshake is acknowledged with a 2xx and enqueues nothing', async () => {
    const response = await deliver(headersOf('sync'));
    expect(response.status).toBe(204);
    expect(await queued()).toEqual([]);
    expect(rejectionLines()).toEqual([]);
  });

  test('a change enqueues one notification item with ids only', async () => {
    const response = await deliver(headersOf('change'));
    expect(response.status).toBe(202);
    const messages = await queued();
    expect(messages).toEqual([
      expect.objectContaining({
        kind: 'notifications',
        items: [{ subscriptionId: channelId, kbId: 'kb-g', sourceId: 'drive-1', count: 1 }],
      }),
    ]);
    expect(JSON.stringify(messages)).not.toContain(channelToken);
    expect(JSON.stringify(messages)).not.toContain(resourceId);
  });

  test('a files.watch state (update) also means "read the changes"', async () => {
    expect((await deliver(headersOf('update'))).status).toBe(202);
    expect(await queued()).toHaveLength(1);
  });

  test('header names in any case are read', async () => {
    const lower = Object.fromEntries(
      Object.entries(headersOf('change')).map(([name, value]) => [name.toLowerCase(), value]),
    );
    expect((await deliver(lower)).status).toBe(202);
  });
});

describe('unwanted deliveries: one answer, nothing enqueued, counted by reason without ids or tokens', () => {
  test.each([
    ['a forged token', { 'X-Goog-Channel-Token': 'forged-token-value' }, 'wrong-token'],
    ['no token', { 'X-Goog-Channel-Token': undefined }, 'wrong-token'],
    ['an unknown channel id', { 'X-Goog-Channel-ID': 'unknown-channel-id-123' }, 'unknown-channel'],
    ['a wrong resource id', { 'X-Goog-Resource-ID': 'other-resource-id-456' }, 'wrong-resource'],
  ])('%s', async (_, overrides: Record<string, string | undefined>, reason) => {
    const headers = headersOf('change', overrides);
    const response = await deliver(headers);
    // Not 2xx (not accepted) and not 500/502/503/504 (which Google retries): a message failure.
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('');
    expect(await queued()).toEqual([]);
    expect(rejectionLines()).toHaveLength(1);
    const line = rejectionLines()[0]!;
    expect(JSON.parse(line.slice(line.indexOf('{')))).toMatchObject({ webhook: 'google', [reason]: 1 });
    const all = logLines.join('\n');
    for (const value of [
      channelToken,
      overrides['X-Goog-Channel-Token'],
      headers['X-Goog-Channel-ID'],
      headers['X-Goog-Resource-ID'],
    ]) {
      if (value) expect(all).not.toContain(value);
    }
  });

  test('a sync is acknowledged without a lookup, whatever its channel: it arrives before the record exists and enqueues nothing', async () => {
    const unknown = headersOf('sync', { 'X-Goog-Channel-ID': randomUUID(), 'X-Goog-Channel-Token': 'other' });
    expect((await deliver(unknown)).status).toBe(204);
    expect(await queued()).toEqual([]);
    expect(rejectionLines()).toEqual([]);
  });
});

describe('malformed deliveries', () => {
  test.each([
    ['no channel id', { 'X-Goog-Channel-ID': undefined }, 'channelId'],
    ['no resource id', { 'X-Goog-Resource-ID': undefined }, 'resourceId'],
    ['no resource state', { 'X-Goog-Resource-State': undefined }, 'resourceState'],
    ['a resource state that is not one', { 'X-Goog-Resource-State': '<script>' }, 'resourceState'],
    ['a message number that is not a number', { 'X-Goog-Message-Number': 'seven' }, 'messageNumber'],
  ])('%s → 400 problem+json naming the header, quoting no value', async (_, overrides, field) => {
    const response = await deliver(headersOf('change', overrides));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = await response.text();
    expect(body).toContain(field);
    expect(body).not.toContain(channelToken);
    expect(body).not.toContain('<script>');
    expect(await queued()).toEqual([]);
  });
});

describe('when the queue is unavailable', () => {
  test('answers 503 with Retry-After, which Google retries with backoff', async () => {
    await storage.queue(QUEUES.graphNotifications).delete();
    try {
      const response = await deliver(headersOf('change'));
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.text()).not.toContain(channelToken);
    } finally {
      await storage.queue(QUEUES.graphNotifications).createIfNotExists();
    }
  });
});

test('the webhook made no token call', () => {
  expect(tokenCalls).toEqual([]);
});
