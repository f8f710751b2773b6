// The connect flow end to end: a browser's journey followed by hand (fetch with redirect: 'manual')
// through the local Functions host (/api/connect/start and /api/connect/callback, the same definitions
// the Azure host registers) and the sandbox tenant's real authorize and token endpoints, with Azurite
// behind the stores. The host application's returnTo origin is never fetched: we only read Location.
// Every line the host and the token manager log, and every answer the host gives, is kept so the last
// test can look for codes, verifiers, tokens and secrets in them.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-explicit-any */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalHost, type RunningLocalHost } from '../../../dev/host/local-host.js';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import { connectCallback } from '../../../functions/connect-callback.js';
import { connectStart } from '../../../functions/connect-start.js';
import { sourcesGet } from '../../../functions/sources-get.js';
import { sourcesPut } from '../../../functions/sources-put.js';
import { buildServices, setServices, type Services } from '../../../shared/app/composition-root.js';
import { codeChallengeS256 } from '../../../shared/core/connect/pkce.js';
import { connectStatePayloadSchema, type ConnectStatePayload } from '../../../shared/core/connect/signed-state.js';
import type { Config } from '../../../shared/app/config.js';
import type { SourceKey } from '../../../shared/core/domain/source.js';
import { syncJobMessageSchema, type SyncJobMessage } from '../../../shared/core/queue/messages.js';
import { TABLES } from '../../../shared/adapters/storage/names.js';
import type { StorageClients } from '../../../shared/adapters/storage/storage-clients.js';
import { createTokenManager } from '../../../shared/app/create-token-manager.js';
import { parseLocalTokenKeys } from '../../../shared/adapters/azure-tables/local-token-keys.js';
import { LocalTokenStore } from '../../../shared/adapters/azure-tables/local-token-store.js';
import { ReauthRequiredError } from '../../../shared/core/domain/errors.js';
import { createAppStorage, isolatedStorage, peekJson } from '../../support/isolated-storage.js';
import { storageConnectionString, uniqueName } from '../../support/storage.js';
import { sandboxAppConfig } from '../../integration/api/api-test-bed.js';
import { waitFor } from '../../support/host-wait.js';
import { capturingLogger } from '../../support/logger.js';
import { recordContract } from '../../support/contract-recorder.js';

/** Every answer is checked against the OpenAPI document after the file's tests. */
const contract = recordContract();

const RETURN_ORIGIN = 'https://host-app.example';
const RETURN_TO = `${RETURN_ORIGIN}/settings/sources?tab=drives`;
const stateSecret = randomBytes(32).toString('base64url');
const functionKey = randomBytes(24).toString('base64url');

let sandbox: Sandbox;
let host: RunningLocalHost;
let storage: StorageClients;
let services: Services;
let config: Config;
/** Host log lines (HTTP invocations) and token manager log lines. */
const logLines: string[] = [];
/** Status, headers and body of every answer the local host gave. */
const answers: string[] = [];
/** Error messages the token paths threw. */
const errorTexts: string[] = [];
/** Every credential that crossed the flows: none may appear in the three lists above. */
const secrets = new Set<string>();

interface Hop {
  status: number;
  location: string | null;
  headers: Headers;
  text: string;
}

async function fetchManual(url: string, init: RequestInit = {}): Promise<Hop> {
  const response = await fetch(url, { ...init, redirect: 'manual' });
  const hop = { status: response.status, location: response.headers.get('location'), headers: response.headers };
  const text = await response.text();
  if (url.startsWith(host.baseUrl)) answers.push(`${hop.status} ${JSON.stringify([...hop.headers])} ${text}`);
  return { ...hop, text };
}

function servicesFor(env: Record<string, string> = {}): Services {
  const cfg = sandboxAppConfig(sandbox, {
    CONNECT_STATE_SECRET: stateSecret,
    CONNECT_RETURN_TO_ALLOWLIST: `${RETURN_ORIGIN}, http://localhost:3000`,
    ...env,
  });
  return buildServices(cfg, {
    storage,
    tokens: createTokenManager(cfg, storage, { logger: capturingLogger(logLines) }),
  });
}

async function putSource(key: SourceKey, body: Record<string, unknown>) {
  const hop = await fetchManual(`${host.baseUrl}/api/kbs/${key.kbId}/sources/${key.sourceId}`, {
    method: 'PUT',
    headers: { 'x-functions-key': functionKey, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'onedrive', ...body }),
  });
  expect(hop.status, hop.text).toBe(201);
  return JSON.parse(hop.text) as Record<string, unknown>;
}

async function sourceStatus(key: SourceKey): Promise<any> {
  const hop = await fetchManual(`${host.baseUrl}/api/kbs/${key.kbId}/sources/${key.sourceId}`, {
    headers: { 'x-functions-key': functionKey },
  });
  expect(hop.status).toBe(200);
  return JSON.parse(hop.text);
}

function startUrl(key: SourceKey, returnTo = RETURN_TO): string {
  const query = new URLSearchParams({ kbId: key.kbId, sourceId: key.sourceId, returnTo });
  return `${host.baseUrl}/api/connect/start?${query.toString()}`;
}

function statePayload(state: string): ConnectStatePayload {
  return connectStatePayloadSchema.parse(JSON.parse(Buffer.from(state.split('.')[0]!, 'base64url').toString('utf8')));
}

/** The flow's one-time row, read before the callback takes it, to learn the verifier (for the leak check). */
async function peekVerifier(state: string): Promise<string> {
  const table = storage.table(TABLES.connectStates);
  const row = await table.getEntity<{ codeVerifier: string }>(statePayload(state).id, 'flow');
  secrets.add(row.codeVerifier);
  return row.codeVerifier;
}

interface Journey {
  start: Hop;
  authorizeUrl: URL;
  /** The sandbox's redirect to our callback (code or error, and the state). */
  callbackUrl: URL;
}

/** start → Microsoft's authorize endpoint → the redirect to our callback (not yet followed). */
async function signIn(key: SourceKey): Promise<Journey> {
  const start = await fetchManual(startUrl(key));
  expect(start.status, start.text).toBe(302);
  const authorizeUrl = new URL(start.location!);
  await peekVerifier(authorizeUrl.searchParams.get('state')!);
  const authorize = await fetchManual(authorizeUrl.href);
  expect(authorize.status).toBe(302);
  const callbackUrl = new URL(authorize.location!);
  const code = callbackUrl.searchParams.get('code');
  if (code) secrets.add(code);
  return { start, authorizeUrl, callbackUrl };
}

function returnedTo(hop: Hop): URL {
  expect(hop.status, hop.text).toBe(302);
  expect(hop.headers.get('cache-control')).toBe('no-store');
  const url = new URL(hop.location!);
  expect(url.origin + url.pathname).toBe(`${RETURN_ORIGIN}/settings/sources`);
  expect(url.searchParams.get('tab')).toBe('drives');
  return url;
}

async function syncJobsFor(key: SourceKey): Promise<SyncJobMessage[]> {
  return (await peekJson(storage, 'sync-jobs'))
    .map((message) => syncJobMessageSchema.parse(message))
    .filter((message) => message.kbId === key.kbId && message.sourceId === key.sourceId);
}

/** The grant the token manager stored, read with the same keys (to add its tokens to the leak check). */
async function storedGrant(key: SourceKey) {
  const store = new LocalTokenStore(
    storage.table(TABLES.localTokens),
    parseLocalTokenKeys(config.tokens.localTokenKeys),
  );
  const grant = await store.read(key);
  if (grant?.kind === 'delegated') secrets.add(grant.refreshToken);
  if (grant?.accessToken) secrets.add(grant.accessToken);
  return grant;
}

function newKey(): SourceKey {
  return { kbId: uniqueName('kb'), sourceId: 'onedrive-1' };
}

beforeAll(async () => {
  sandbox = await startSandbox();
  const connectionString = storageConnectionString();
  // Per-suite queue and table names: no other test file's sync-job worker takes our messages.
  storage = isolatedStorage(connectionString);
  await createAppStorage(storage);
  services = servicesFor();
  config = services.config;
  setServices(services);
  secrets.add(sandbox.clientSecret).add(stateSecret).add(functionKey);
  host = await startLocalHost({
    definitions: [sourcesPut, sourcesGet, connectStart, connectCallback],
    port: 0,
    storageConnectionString: connectionString,
    functionKey,
    log: (line) => logLines.push(line),
    onResponse: contract.record,
  });
  // The app registration's redirect URI, as npm start registers it (the sandbox refuses others).
  await sandbox.control.setRedirectUris(sandbox.clientId, [`${host.baseUrl}/api/connect/callback`]);
});

afterAll(async () => {
  await host?.stop();
  await sandbox?.stop();
  setServices(undefined);
});

describe('connect flow through the local host and the sandbox tenant', () => {
  it('connects a pending source: PKCE S256 at authorize, grant stored, source active, first sync queued', async () => {
    const key = newKey();
    const registered = await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
    expect(registered.state).toBe('pending_auth');

    const { start, authorizeUrl, callbackUrl } = await signIn(key);
    expect(start.headers.get('cache-control')).toBe('no-store');
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(
      `${sandbox.authorityHost}/${sandbox.tenantId}/oauth2/v2.0/authorize`,
    );
    const params = authorizeUrl.searchParams;
    expect(params.get('client_id')).toBe(sandbox.clientId);
    expect(params.get('response_type')).toBe('code');
    expect(params.get('redirect_uri')).toBe(`${host.baseUrl}/api/connect/callback`);
    expect(params.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['offline_access', 'Files.Read.All']));
    expect(params.get('code_challenge_method')).toBe('S256');
    const state = params.get('state')!;
    expect(params.get('code_challenge')).toBe(codeChallengeS256(await peekVerifier(state)));
    expect(statePayload(state)).toMatchObject({ kbId: key.kbId, sourceId: key.sourceId, returnTo: RETURN_TO });

    expect(callbackUrl.origin + callbackUrl.pathname).toBe(`${host.baseUrl}/api/connect/callback`);
    expect(callbackUrl.searchParams.get('state')).toBe(state);
    const back = returnedTo(await fetchManual(callbackUrl.href));
    expect(back.searchParams.get('status')).toBe('connected');
    expect(back.searchParams.get('kbId')).toBe(key.kbId);
    expect(back.searchParams.get('sourceId')).toBe(key.sourceId);
    expect(back.searchParams.has('error')).toBe(false);

    const status = await sourceStatus(key);
    expect(status).toMatchObject({
      state: 'active',
      stateReason: null,
      lastError: null,
      driveId: sandbox.defaultDriveId,
    });
    expect(await syncJobsFor(key)).toEqual([expect.objectContaining({ reason: 'registered' })]);
    const grant = await storedGrant(key);
    expect(grant).toMatchObject({ kind: 'delegated', tenantId: sandbox.tenantId });
    const accessToken = await services.tokens.getAccessToken(key);
    secrets.add(accessToken);
    expect(accessToken.length).toBeGreaterThan(10);
    await storedGrant(key); // the rotated refresh token, too

    // The same callback again (a replay, or the back button): its one-time row is gone.
    const replay = returnedTo(await fetchManual(callbackUrl.href));
    expect(replay.searchParams.get('status')).toBe('error');
    expect(replay.searchParams.get('error')).toBe('state_already_used');
    expect((await sourceStatus(key)).state).toBe('active');
    expect(await services.tokens.getAccessToken(key)).toBe(accessToken);
  });

  it('resolves a { me: true } source to the signed-in user\u2019s drive when it connects', async () => {
    const key = newKey();
    const registered = await putSource(key, { drive: { me: true } });
    expect(registered).toMatchObject({ state: 'pending_auth', driveId: '' });
    const { callbackUrl } = await signIn(key);
    expect(returnedTo(await fetchManual(callbackUrl.href)).searchParams.get('status')).toBe('connected');
    expect(await sourceStatus(key)).toMatchObject({ state: 'active', driveId: sandbox.defaultDriveId });
  });

  it('answers a tampered state with an escaped error page, and the untouched flow still completes', async () => {
    const key = newKey();
    await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
    const { callbackUrl } = await signIn(key);
    const state = callbackUrl.searchParams.get('state')!;
    const [body, signature] = state.split('.');
    const forgedBody = Buffer.from(
      JSON.stringify({ ...statePayload(state), returnTo: 'https://evil.example.net/<script>' }),
    ).toString('base64url');

    for (const forged of [`${forgedBody}.${signature}`, `${body}.${signature!.slice(0, -3)}AAA`, 'garbage', '']) {
      const url = new URL(callbackUrl);
      url.searchParams.set('state', forged);
      const page = await fetchManual(url.href);
      expect(page.status).toBe(400);
      expect(page.location).toBeNull();
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.text).toContain('<code>invalid_state</code>');
      expect(page.text).not.toContain('evil.example.net');
      expect(page.text).not.toMatch(/\bat \S+ \(|Error:/);
    }
    const withoutState = new URL(callbackUrl);
    withoutState.searchParams.delete('state');
    expect((await fetchManual(withoutState.href)).text).toContain('invalid_state');
    expect((await sourceStatus(key)).state).toBe('pending_auth');

    // Forgeries consumed nothing: the real callback still works.
    expect(returnedTo(await fetchManual(callbackUrl.href)).searchParams.get('status')).toBe('connected');
  });

  it('completes with a returnTo on any localhost port under the allow-list http://localhost:* (npm start’s default)', async () => {
    setServices(servicesFor({ CONNECT_RETURN_TO_ALLOWLIST: 'http://localhost:*' }));
    try {
      const key = newKey();
      await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
      const returnTo = 'http://localhost:18080/settings?tab=drives';
      const start = await fetchManual(startUrl(key, returnTo));
      expect(start.status, start.text).toBe(302);
      const authorize = await fetchManual(start.location!);
      const back = await fetchManual(authorize.location!);
      expect(back.status, back.text).toBe(302);
      const url = new URL(back.location!);
      expect(url.origin + url.pathname).toBe('http://localhost:18080/settings');
      expect(url.searchParams.get('status')).toBe('connected');
      expect((await sourceStatus(key)).state).toBe('active');
    } finally {
      setServices(services);
    }
  });

  it('sends an expired state back to returnTo with error=expired_state and leaves the source pending', async () => {
    setServices(servicesFor({ CONNECT_STATE_TTL_SECONDS: '1' }));
    try {
      const key = newKey();
      await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
      const { callbackUrl } = await signIn(key);
      const { exp } = statePayload(callbackUrl.searchParams.get('state')!);
      // Lets the one-second lifetime pass; a bounded wait, not an assertion about time.
      await waitFor('the state to expire', () => Date.now() > exp + 50, { timeoutMs: 5_000 });
      const back = returnedTo(await fetchManual(callbackUrl.href));
      expect(back.searchParams.get('status')).toBe('error');
      expect(back.searchParams.get('error')).toBe('expired_state');
      expect(back.searchParams.get('kbId')).toBe(key.kbId);
      expect((await sourceStatus(key)).state).toBe('pending_auth');
      expect(await syncJobsFor(key)).toEqual([]);
      await expect(services.tokens.getAccessToken(key)).rejects.toBeInstanceOf(ReauthRequiredError);
    } finally {
      setServices(services);
    }
  });

  it('refuses a returnTo outside the allow-list with 400 and redirects nowhere', async () => {
    const key = newKey();
    await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
    for (const returnTo of [
      'https://evil.example.net/',
      'https://host-app.example.evil.net/',
      'http://host-app.example/',
      'https://host-app.example@evil.example.net/',
      'javascript:alert(1)',
      '/relative',
    ]) {
      const hop = await fetchManual(startUrl(key, returnTo));
      expect(hop.status, returnTo).toBe(400);
      expect(hop.location).toBeNull();
      expect(hop.headers.get('content-type')).toBe('application/problem+json');
    }
    const missing = await fetchManual(`${host.baseUrl}/api/connect/start?kbId=${key.kbId}&sourceId=${key.sourceId}`);
    expect(missing.status).toBe(400);
    // Nothing was started: no one-time row exists for this source.
    const rows = storage.table(TABLES.connectStates).listEntities({
      queryOptions: { filter: `kbId eq '${key.kbId}'` },
    });
    for await (const row of rows) expect.unreachable(`unexpected flow row ${String(row.partitionKey)}`);
  });

  it('answers a refused start with the callback’s HTML error page for a browser, problem+json for a program', async () => {
    const browser = { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } };
    const unknown = newKey();
    const page = await fetchManual(startUrl(unknown), browser);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(page.text).toContain('<code>source_not_found</code>');
    const program = await fetchManual(startUrl(unknown));
    expect(program.status).toBe(404);
    expect(program.headers.get('content-type')).toBe('application/problem+json');

    const key = newKey();
    await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
    const refused = await fetchManual(startUrl(key, 'https://evil.example.net/<b>'), browser);
    expect(refused.status).toBe(400);
    expect(refused.location).toBeNull();
    expect(refused.text).toContain('<code>return_to_not_allowed</code>');
    expect(refused.text).toContain('CONNECT_RETURN_TO_ALLOWLIST');
    expect(refused.text).not.toContain('<b>');
  });

  it('without PUBLIC_BASE_URL, builds no redirect URI from a Host header that is not loopback', async () => {
    const key = newKey();
    await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
    const url = new URL(startUrl(key));
    const answer = await new Promise<{ status: number; location: string | undefined; body: string }>(
      (resolve, reject) => {
        const req = http.get(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname + url.search,
            headers: { host: 'evil.example.net' },
          },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
          },
        );
        req.on('error', reject);
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.location).toBeUndefined();
    expect(answer.body).toContain('PUBLIC_BASE_URL');
  });

  it('sends a denied consent back with error=access_denied; nothing is stored', async () => {
    const key = newKey();
    await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
    await sandbox.control.settings({ authorizeDeny: true });
    try {
      const { callbackUrl } = await signIn(key);
      expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
      const back = returnedTo(await fetchManual(callbackUrl.href));
      expect(back.searchParams.get('status')).toBe('error');
      expect(back.searchParams.get('error')).toBe('access_denied');
      expect(back.searchParams.get('sourceId')).toBe(key.sourceId);
      // The identity platform's error_description is not passed on.
      expect(back.href).not.toContain('AADSTS');
    } finally {
      await sandbox.control.settings({ authorizeDeny: false });
    }
    expect((await sourceStatus(key)).state).toBe('pending_auth');
    expect(await storedGrant(key)).toBeUndefined();
  });

  it('answers 404 for an unknown source and 409 for one that is already connected', async () => {
    const unknown = await fetchManual(startUrl(newKey()));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');

    const key = newKey();
    await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
    const { callbackUrl } = await signIn(key);
    expect(returnedTo(await fetchManual(callbackUrl.href)).searchParams.get('status')).toBe('connected');
    const again = await fetchManual(startUrl(key));
    expect(again.status).toBe(409);
    expect(again.location).toBeNull();
  });

  it('refuses a reconnect by another account (its drive differs) and accepts the right one', async () => {
    const key = newKey();
    await putSource(key, { drive: { me: true } });
    expect(returnedTo(await fetchManual((await signIn(key)).callbackUrl.href)).searchParams.get('status')).toBe(
      'connected',
    );
    // What the sync job does when the grant dies (invalid_grant): the source waits for a reconnect.
    await services.sources.update(key, (record) => ({ ...record, state: 'needs_reauth', stateReason: 'revoked' }));
    await syncJobsFor(key); // (peek only; the first sync job stays queued)

    const other = await sandbox.control.createUser({ displayName: 'Mallory' });
    await sandbox.control.createDrive({ driveType: 'business', ownerUserId: other.id });
    await sandbox.control.settings({ authorizeUserId: other.id });
    try {
      const wrong = returnedTo(await fetchManual((await signIn(key)).callbackUrl.href));
      expect(wrong.searchParams.get('error')).toBe('account_mismatch');
    } finally {
      await sandbox.control.settings({ authorizeUserId: sandbox.defaultUserId });
    }
    expect(await sourceStatus(key)).toMatchObject({ state: 'needs_reauth', driveId: sandbox.defaultDriveId });
    expect(await storedGrant(key)).toBeUndefined();

    const right = returnedTo(await fetchManual((await signIn(key)).callbackUrl.href));
    expect(right.searchParams.get('status')).toBe('connected');
    expect(await sourceStatus(key)).toMatchObject({ state: 'active', stateReason: null });
    expect((await syncJobsFor(key)).map((job) => job.reason)).toEqual(['registered', 'reconnected']);
  });

  it('sends a token endpoint outage back as temporarily_unavailable, and the flow can be retried', async () => {
    const key = newKey();
    await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
    const { callbackUrl } = await signIn(key);
    await sandbox.control.injectFault({ method: 'POST', pathPattern: '/oauth2/v2\\.0/token$', kind: '503', count: 1 });
    try {
      const back = returnedTo(await fetchManual(callbackUrl.href));
      expect(back.searchParams.get('error')).toBe('temporarily_unavailable');
    } finally {
      await sandbox.control.clearFaults();
    }
    expect((await sourceStatus(key)).state).toBe('pending_auth');
    const retry = returnedTo(await fetchManual((await signIn(key)).callbackUrl.href));
    expect(retry.searchParams.get('status')).toBe('connected');
  });

  it('answers 503 naming the missing setting when the connect flow is not configured', async () => {
    const key = newKey();
    await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
    const { callbackUrl } = await signIn(key);
    setServices(servicesFor({ CONNECT_STATE_SECRET: '' }));
    try {
      const start = await fetchManual(startUrl(key));
      expect(start.status).toBe(503);
      expect(start.headers.get('content-type')).toBe('application/problem+json');
      expect(start.text).toContain('CONNECT_STATE_SECRET');
      const callback = await fetchManual(callbackUrl.href);
      expect(callback.status).toBe(503);
      expect(callback.text).toContain('<code>server_error</code>');
    } finally {
      setServices(services);
    }
  });

  it('leaks no code, verifier, token or secret into any log line, error or response on any token path', async () => {
    // One more pass over the token paths not covered above: a grant that dies (refresh refused with
    // invalid_grant), seen through a fresh token manager whose clock is past the access token's expiry.
    const key = newKey();
    await putSource(key, { drive: { driveId: sandbox.defaultDriveId } });
    expect(returnedTo(await fetchManual((await signIn(key)).callbackUrl.href)).searchParams.get('status')).toBe(
      'connected',
    );
    secrets.add(await services.tokens.getAccessToken(key));
    await storedGrant(key);
    await sandbox.control.revokeGrant(sandbox.defaultUserId);
    const later = createTokenManager(config, storage, {
      now: () => Date.now() + 3 * 3_600_000,
      logger: capturingLogger(logLines),
    });
    const refused = await later.getAccessToken(key).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ReauthRequiredError);
    errorTexts.push(String(refused), JSON.stringify(refused), (refused as Error).stack ?? '');

    // The material is real: the flows ran, logged and answered.
    expect(logLines.some((line) => line.includes('connect.completed'))).toBe(true);
    expect(logLines.some((line) => line.includes('token.refreshed'))).toBe(true);
    expect(logLines.some((line) => line.includes('token.grant_invalid'))).toBe(true);
    expect(answers.length).toBeGreaterThanOrEqual(3);
    expect(secrets.size).toBeGreaterThanOrEqual(7);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(16);
      for (const [name, texts] of Object.entries({ logLines, answers, errorTexts })) {
        // A boolean, so a failure report does not print the secret it found.
        expect(
          texts.some((text) => text.includes(secret)),
          `a secret appeared in ${name}`,
        ).toBe(false);
      }
    }
  });
});
