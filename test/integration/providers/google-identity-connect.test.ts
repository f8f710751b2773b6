// The connect flow (shared/core/connect) for a google_drive source, with Google's identity end to end:
// /connect/start's redirect to the Google sandbox's authorize endpoint (PKCE S256, state, offline,
// consent), the approved redirect back, and the callback's code exchange with the stored verifier, the
// grant stored with the source type (so it names the Google client) and used at once for a Drive call.
// Real source, connect-state, token and lease stores on Azurite, the real google-auth-library and
// @googleapis/drive clients over loopback HTTPS. The Drive provider itself is the gdrive branch's; here
// a stand-in resolves the location the way a Drive provider must: with the source's new access token.
import { randomBytes } from 'node:crypto';
import { drive } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGoogleSandbox, type GoogleSandbox } from '../../../dev/sandbox/google/google-sandbox.js';
import { StorageSyncJobQueue } from '../../../shared/adapters/azure-queues/sync-job-queue.js';
import {
  generateLocalTokenKeyEntry,
  parseLocalTokenKeys,
} from '../../../shared/adapters/azure-tables/local-token-keys.js';
import { LocalTokenStore } from '../../../shared/adapters/azure-tables/local-token-store.js';
import { ConnectStateStore } from '../../../shared/adapters/azure-tables/connect-state-store.js';
import { SourceStore } from '../../../shared/adapters/azure-tables/source-store.js';
import { TableLeaseStore } from '../../../shared/adapters/azure-tables/table-lease.js';
import { QUEUES } from '../../../shared/adapters/storage/names.js';
import { loadConfig } from '../../../shared/app/config.js';
import { createOAuthClientRegistry } from '../../../shared/app/oauth-clients.js';
import { completeConnect } from '../../../shared/core/connect/complete-connect.js';
import { ConnectStateSigner } from '../../../shared/core/connect/signed-state.js';
import { startConnect } from '../../../shared/core/connect/start-connect.js';
import type { ProviderRegistry, SyncProvider } from '../../../shared/core/ports/provider-ports.js';
import { RefreshingTokenManager } from '../../../shared/core/tokens/refreshing-token-manager.js';
import { capturingLogger } from '../../support/logger.js';
import { googleSandboxEnv } from '../../support/google-sandbox-env.js';
import { sourceRecord } from '../../support/source-record.js';
import { createAppStorage, isolatedStorage, peekJson } from '../../support/isolated-storage.js';
import { freshTable, storageConnectionString } from '../../support/storage.js';

const PUBLIC_BASE_URL = 'https://kb-sync.example';
const CALLBACK = `${PUBLIC_BASE_URL}/api/connect/callback`;
const RETURN_TO = 'https://host-app.example/settings';
let sandbox: GoogleSandbox;

beforeAll(async () => {
  sandbox = await startGoogleSandbox({ redirectUris: [CALLBACK] });
});

afterAll(async () => {
  await sandbox?.stop();
});

it('connects a google_drive source: PKCE and state through Google, the grant stored for the Google client', async () => {
  const config = loadConfig(googleSandboxEnv(sandbox));
  const oauth = createOAuthClientRegistry(config);
  const logLines: string[] = [];
  const log = capturingLogger(logLines);
  const grants = new LocalTokenStore(await freshTable('grants'), parseLocalTokenKeys(generateLocalTokenKeyEntry('k1')));
  const tokens = new RefreshingTokenManager({
    // As the composition root wires it: Microsoft's is the default client, the registry serves the rest.
    client: oauth.get('onedrive'),
    clients: oauth,
    store: grants,
    leases: new TableLeaseStore(await freshTable('leases'), 'token-refresh'),
    refreshMarginMs: 300_000,
    logger: log,
  });
  const myDriveRoot = sandbox.control.myDriveRootId();
  const driveStandIn = {
    resolveLocation: async (source) => {
      const auth = new OAuth2Client();
      auth.setCredentials({ access_token: await tokens.getAccessToken(source) });
      const root = await drive({ version: 'v3', rootUrl: sandbox.driveRootUrl, auth }).files.get({
        fileId: 'root',
        fields: 'id',
      });
      return { rootId: root.data.id! };
    },
    isResolved: (location) => typeof location.rootId === 'string' && location.rootId !== '',
    sameLocation: (a, b) => a.rootId === b.rootId,
  } as Pick<SyncProvider, 'resolveLocation' | 'isResolved' | 'sameLocation'> as SyncProvider;
  const providers: ProviderRegistry = { get: () => driveStandIn };
  const storage = isolatedStorage(storageConnectionString());
  await createAppStorage(storage);
  const sources = new SourceStore(await freshTable('sources'));
  const states = new ConnectStateStore(await freshTable('connect'));
  const settings = {
    signer: new ConnectStateSigner(randomBytes(32).toString('base64url')),
    allowedOrigins: ['https://host-app.example'],
    stateTtlMs: 600_000,
    publicBaseUrl: PUBLIC_BASE_URL,
  };
  const key = { kbId: 'kb-google', sourceId: 'my-drive' };
  await sources.put(
    sourceRecord({
      ...key,
      type: 'google_drive',
      state: 'pending_auth',
      location: { myDrive: true },
      resolvedLocation: { rootId: '' },
    }),
  );

  const started = await startConnect(
    { settings, sources, states, oauth },
    { ...key, returnTo: RETURN_TO },
    `${PUBLIC_BASE_URL}/api/connect/start`,
  );
  if (started.kind !== 'redirect') throw new Error(`start answered ${started.kind}`);
  const authorize = new URL(started.location);
  expect(authorize.href.startsWith(sandbox.oauth.authorizeUrl)).toBe(true);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('redirect_uri')).toBe(CALLBACK);

  // The user approves on Google's consent page; Google sends the browser to the callback.
  authorize.searchParams.set('sandbox_decision', 'allow');
  const approved = await fetch(authorize, { redirect: 'manual' });
  const callback = new URL(approved.headers.get('location')!);
  expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
  const code = callback.searchParams.get('code')!;

  const done = await completeConnect(
    { settings, sources, states, tokens, providers, syncJobs: new StorageSyncJobQueue(storage), oauth, log },
    { state: callback.searchParams.get('state')!, code },
  );
  expect(done.kind).toBe('redirect');
  expect(done.kind === 'redirect' && new URL(done.location).searchParams.get('status')).toBe('connected');
  const stored = await grants.read(key);
  expect(stored).toMatchObject({
    kind: 'delegated',
    client: 'google',
    scopes: ['https://www.googleapis.com/auth/drive.readonly'],
  });
  expect((await sources.get(key))?.record).toMatchObject({
    state: 'active',
    resolvedLocation: { rootId: myDriveRoot },
  });
  expect(await peekJson(storage, QUEUES.syncJobs)).toEqual([expect.objectContaining({ ...key, reason: 'registered' })]);

  // The code was single-use; the flow's verifier and the tokens never reach a log line.
  const logged = logLines.join('\n');
  for (const secret of [code, stored?.refreshToken ?? 'x', sandbox.clientSecret]) expect(logged).not.toContain(secret);
});
