// Real push deliveries into the Google webhook: a changes.watch channel created through the real
// @googleapis/drive client on the Google sandbox, addressed to the local host's /api/webhooks/google,
// its record written as the watch manager writes it (after Google answered). The sandbox then posts
// the sync message and, after a change in the drive, a change message, with Google's headers
// (https://developers.google.com/drive/api/guides/push). The answers it records are the webhook's.
import { randomUUID } from 'node:crypto';
import { drive } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalHost, type RunningLocalHost } from '../../../dev/host/local-host.js';
import { startGoogleSandbox, type GoogleSandbox } from '../../../dev/sandbox/google/google-sandbox.js';
import { webhookGoogle } from '../../../functions/webhook-google.js';
import { SubscriptionStore } from '../../../shared/adapters/azure-tables/subscription-store.js';
import { QUEUES, TABLES } from '../../../shared/adapters/storage/names.js';
import { buildServices, setServices } from '../../../shared/app/composition-root.js';
import { loadConfig } from '../../../shared/app/config.js';
import { newWatchSecret, watchSecretDigest } from '../../../shared/core/watch/watch-secret.js';
import { webhookRoutes } from '../../../shared/core/watch/webhook-routes.js';
import {
  DRIVE_READONLY_SCOPE,
  GoogleOAuthClient,
} from '../../../shared/providers/google/identity/google-oauth-client.js';
import { GOOGLE_WEBHOOK_NAME } from '../../../shared/providers/google/webhooks/google-webhook-name.js';
import { createAppStorage, isolatedStorage, peekJson } from '../../support/isolated-storage.js';
import { storageConnectionString } from '../../support/storage.js';

let sandbox: GoogleSandbox;
let host: RunningLocalHost;
let storage: ReturnType<typeof isolatedStorage>;
const logLines: string[] = [];

beforeAll(async () => {
  sandbox = await startGoogleSandbox();
  storage = isolatedStorage(storageConnectionString());
  await createAppStorage(storage);
  setServices(buildServices(loadConfig({ AzureWebJobsStorage: storageConnectionString() }), { storage }));
  host = await startLocalHost({
    definitions: [webhookGoogle],
    port: 0,
    storageConnectionString: storageConnectionString(),
    functionKey: randomUUID(),
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  await host?.stop();
  await sandbox?.stop();
  setServices(undefined);
});

it('acknowledges the sync message, and a change in the drive becomes one queued notification', async () => {
  const oauth = new GoogleOAuthClient({
    ...sandbox.oauth,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    connectScopes: DRIVE_READONLY_SCOPE,
  });
  const { refreshToken } = sandbox.control.issueRefreshToken({ scopes: [DRIVE_READONLY_SCOPE] });
  const issued = await oauth.refresh({ refreshToken, scopes: [], fields: {} });
  if (issued.kind !== 'tokens') throw new Error(issued.reason);
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: issued.tokens.accessToken });
  const client = drive({ version: 'v3', rootUrl: sandbox.driveRootUrl, auth });

  const channelId = randomUUID();
  const secret = newWatchSecret(256);
  const pageToken = (await client.changes.getStartPageToken()).data.startPageToken!;
  const channel = (
    await client.changes.watch({
      pageToken,
      requestBody: {
        id: channelId,
        type: 'web_hook',
        address: `${host.baseUrl}/api/${webhookRoutes(GOOGLE_WEBHOOK_NAME).notifications}`,
        token: secret,
        expiration: String(Date.now() + 86_400_000),
      },
    })
  ).data;
  await new SubscriptionStore(storage.table(TABLES.subscriptions)).put({
    watchId: channelId,
    kbId: 'kb-push',
    sourceId: 'my-drive',
    secretSha256: watchSecretDigest(secret),
    resource: channel.resourceId!,
    expiresAt: new Date(Number(channel.expiration)).toISOString(),
    createdAt: new Date().toISOString(),
  });
  await sandbox.control.settleDeliveries();

  sandbox.control.createFile({
    parentIds: [sandbox.control.myDriveRootId()],
    name: 'notes.txt',
    mimeType: 'text/plain',
    content: 'hello',
  });
  await sandbox.control.settleDeliveries();

  const answers = sandbox.control
    .deliveries()
    .filter((delivery) => delivery.channelId === channelId)
    .map(({ state, messageNumber, status }) => ({ resourceState: state, messageNumber, status }));
  expect(answers).toEqual([
    { resourceState: 'sync', messageNumber: 1, status: 204 },
    { resourceState: 'change', messageNumber: 2, status: 202 },
  ]);
  const queued = await peekJson(storage, QUEUES.graphNotifications);
  expect(queued).toEqual([
    expect.objectContaining({
      items: [{ subscriptionId: channelId, kbId: 'kb-push', sourceId: 'my-drive', count: 1 }],
    }),
  ]);
  const seen = `${logLines.join('\n')}\n${JSON.stringify(queued)}`;
  expect(seen).not.toContain(secret);
  expect(seen).not.toContain(issued.tokens.accessToken);
});
