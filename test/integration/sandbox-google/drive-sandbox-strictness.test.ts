// The Google sandbox is as strict as Drive where a polite fake would hide bugs: parameters it does not
// know, partial responses, shared drive parameter rules, page tokens tied to their query, downloads
// and exports of the wrong kind of file, authentication and scopes, page-token placement in the
// change list, channel rules, and the OAuth endpoints' refusals. Plain fetch, so bad requests can be
// sent that a client library would not build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleSandbox, type GoogleSandbox } from '../../../dev/sandbox/google/google-sandbox.js';

let sandbox: GoogleSandbox;
let token: string;

async function accessToken(scopes?: string[]): Promise<string> {
  const { refreshToken } = sandbox.control.issueRefreshToken(scopes ? { scopes } : {});
  const response = await fetch(sandbox.oauth.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
    }),
  });
  const body = (await response.json()) as { access_token: string; refresh_token?: string };
  // Google's refresh answers never carry a new refresh token.
  expect(body.refresh_token).toBeUndefined();
  return body.access_token;
}

async function drive(path: string, init: RequestInit & { bearer?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.bearer !== null) headers.set('authorization', `Bearer ${init.bearer ?? token}`);
  const response = await fetch(`${sandbox.baseUrl}/drive/v3/${path}`, { ...init, headers });
  const text = await response.text();
  let json: { error?: { errors: { reason: string; location?: string }[] } } & Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    // media bodies
  }
  return { status: response.status, headers: response.headers, json, text, reason: json.error?.errors[0]?.reason };
}

beforeAll(async () => {
  sandbox = await startGoogleSandbox({ redirectUris: ['http://localhost:7071/api/connect/callback'] });
  token = await accessToken();
});
afterAll(async () => sandbox.stop());

describe('Google sandbox strictness', () => {
  it('refuses unknown parameters and unknown fields, and answers a minimal file without `fields`', async () => {
    expect((await drive('files?pageSiz=10')).reason).toBe('invalidParameter');
    expect((await drive('files?fields=files(id,colour)')).status).toBe(400);
    const c = sandbox.control;
    c.createFile({ parentIds: [c.myDriveRootId()], name: 'a.txt', content: 'a' });
    const plain = await drive('files');
    expect(Object.keys((plain.json.files as object[])[0]!).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
  });

  it('enforces the shared drive parameter rules and membership', async () => {
    const shared = sandbox.control.createSharedDrive({ name: 'Team' });
    expect((await drive(`files?corpora=drive&driveId=${shared.id}`)).reason).toBe('teamDrivesParameterRequired');
    expect((await drive('files?corpora=drive&supportsAllDrives=true&includeItemsFromAllDrives=true')).status).toBe(400);
    const ok = await drive(
      `files?corpora=drive&driveId=${shared.id}&supportsAllDrives=true&includeItemsFromAllDrives=true`,
    );
    expect(ok.status).toBe(200);
    const outsider = await accessToken();
    void outsider;
    const other = sandbox.control.createSharedDrive({ name: 'Not mine', memberUserIds: [] });
    const refused = await drive(
      `files?corpora=drive&driveId=${other.id}&supportsAllDrives=true&includeItemsFromAllDrives=true`,
    );
    expect(refused.status).toBe(404);
  });

  it('ties a files.list page token to the query that made it', async () => {
    const c = sandbox.control;
    for (let i = 0; i < 3; i++) c.createFile({ parentIds: [c.myDriveRootId()], name: `p${i}.txt`, content: 'p' });
    const first = await drive('files?pageSize=1&q=trashed%20%3D%20false&fields=nextPageToken,files(id)');
    const next = first.json.nextPageToken as string;
    expect(next).toEqual(expect.any(String));
    expect((await drive(`files?pageSize=1&q=trashed%20%3D%20false&pageToken=${next}`)).status).toBe(200);
    const other = await drive(`files?pageSize=1&q=trashed%20%3D%20true&pageToken=${next}`);
    expect(other).toMatchObject({ status: 400, reason: 'invalid' });
    expect((await drive(`files?q=${encodeURIComponent('starred = true')}`)).status).toBe(400);
  });

  it('downloads only blobs and exports only Docs Editors files, to supported types', async () => {
    const c = sandbox.control;
    const doc = c.createFile({
      parentIds: [c.myDriveRootId()],
      name: 'Doc',
      mimeType: 'application/vnd.google-apps.document',
    });
    const blob = c.createFile({ parentIds: [c.myDriveRootId()], name: 'b.bin', content: 'bytes' });
    expect((await drive(`files/${doc.id}?alt=media`)).reason).toBe('fileNotDownloadable');
    expect((await drive(`files/${blob.id}/export?mimeType=application/pdf`)).reason).toBe('fileNotExportable');
    expect((await drive(`files/${doc.id}/export?mimeType=text/csv`)).status).toBe(400);
    expect((await drive(`files/${doc.id}/export`)).reason).toBe('required');
    expect((await drive(`files/${doc.id}/export?mimeType=application/pdf`)).status).toBe(200);
  });

  it('demands a valid bearer token with a Drive scope', async () => {
    const none = await drive('files', { bearer: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await drive('files', { bearer: 'ya29.made-up' })).status).toBe(401);
    const emailOnly = await accessToken(['email']);
    expect((await drive('files', { bearer: emailOnly })).reason).toBe('insufficientPermissions');
  });

  it('gives newStartPageToken only on the last page of changes, and refuses made-up tokens', async () => {
    const c = sandbox.control;
    const start = (await drive('changes/startPageToken')).json.startPageToken as string;
    for (let i = 0; i < 3; i++) c.createFile({ parentIds: [c.myDriveRootId()], name: `c${i}.txt`, content: 'c' });
    let page = start;
    const seen: string[][] = [];
    for (let i = 0; i < 10; i++) {
      const answer = await drive(`changes?pageToken=${page}&pageSize=1`);
      seen.push(Object.keys(answer.json).filter((key) => key.endsWith('PageToken')));
      if (answer.json.newStartPageToken) break;
      page = answer.json.nextPageToken as string;
    }
    expect(seen).toEqual([['nextPageToken'], ['nextPageToken'], ['newStartPageToken']]);
    expect((await drive('changes?pageToken=abc')).reason).toBe('invalid');
    expect((await drive('changes?pageToken=999999')).reason).toBe('invalid');
    expect((await drive('changes')).reason).toBe('required');
  });

  it('refuses duplicate channel ids, addresses off this machine, and caps expiration at a week', async () => {
    const start = (await drive('changes/startPageToken')).json.startPageToken as string;
    const watch = (body: Record<string, unknown>) =>
      drive(`changes/watch?pageToken=${start}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const base = { type: 'web_hook', address: 'http://127.0.0.1:9/hook', token: 't' };
    const now = sandbox.control.now();
    const made = await watch({ ...base, id: 'chan-1', expiration: String(now + 30 * 86_400_000) });
    expect(made.status).toBe(200);
    expect(Number(made.json.expiration) - now).toBeLessThanOrEqual(7 * 86_400_000 + 1_000);
    expect((await watch({ ...base, id: 'chan-1' })).reason).toBe('channelIdNotUnique');
    expect((await watch({ ...base, id: 'chan-2', address: 'https://example.com/hook' })).status).toBe(400);
    expect((await watch({ ...base, id: 'chan-3', token: 'x'.repeat(257) })).status).toBe(400);
    const stop = (body: Record<string, unknown>) =>
      drive('channels/stop', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await stop({ id: 'chan-1', resourceId: 'wrong' })).status).toBe(404);
    expect((await stop({ id: 'chan-1', resourceId: made.json.resourceId })).status).toBe(204);
  });

  it('answers the OAuth refusals Google documents', async () => {
    const authorize = new URL(sandbox.oauth.authorizeUrl);
    authorize.search = new URLSearchParams({
      client_id: sandbox.clientId,
      redirect_uri: 'http://localhost:9999/elsewhere',
      response_type: 'code',
      scope: 'https://www.googleapis.com/auth/drive.readonly',
    }).toString();
    const mismatch = await fetch(authorize, { redirect: 'manual' });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('redirect_uri_mismatch');
    const badClient = await fetch(sandbox.oauth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: sandbox.clientId,
        client_secret: 'wrong',
      }),
    });
    expect(badClient.status).toBe(401);
    expect(await badClient.json()).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
    const revokeUnknown = await fetch(`${sandbox.oauth.revokeUrl}?token=never-issued`, { method: 'POST' });
    expect(revokeUnknown.status).toBe(400);
  });
});
