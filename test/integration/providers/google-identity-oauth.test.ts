// GoogleOAuthClient through google-auth-library against the Google sandbox's OAuth endpoints
// (https://developers.google.com/identity/protocols/oauth2/web-server) over loopback HTTPS: the code
// flow with PKCE S256 followed by hand, its failures, refresh without rotation, revoke, and the
// classification of the endpoint's faults. No retries inside the library: one request per call.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoogleSandbox, type GoogleSandbox } from '../../../dev/sandbox/google/google-sandbox.js';
import { codeChallengeS256, createCodeVerifier } from '../../../shared/core/connect/pkce.js';
import {
  DRIVE_READONLY_SCOPE,
  GoogleOAuthClient,
} from '../../../shared/providers/google/identity/google-oauth-client.js';

const REDIRECT_URI = 'https://kb-sync.example/api/connect/callback';
let sandbox: GoogleSandbox;
let client: GoogleOAuthClient;

beforeAll(async () => {
  sandbox = await startGoogleSandbox({ redirectUris: [REDIRECT_URI] });
  client = new GoogleOAuthClient({
    ...sandbox.oauth,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    connectScopes: DRIVE_READONLY_SCOPE,
  });
});

afterAll(async () => {
  await sandbox?.stop();
});

beforeEach(async () => {
  sandbox.control.reset();
});

/** The browser's part: the authorize URL the client built, approved, up to the redirect with the code. */
async function authorize(codeVerifier: string, state = 'signed-state'): Promise<URL> {
  const url = new URL(
    client.authorizeUrl({ redirectUri: REDIRECT_URI, state, codeChallenge: codeChallengeS256(codeVerifier) }),
  );
  // The sandbox's stand-in for the user pressing "Allow" on the consent page.
  url.searchParams.set('sandbox_decision', 'allow');
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!);
}

async function tokenRequests(): Promise<number[]> {
  return sandbox.control
    .requestLog()
    .filter((entry) => entry.path.endsWith('/token'))
    .map((entry) => entry.status);
}

describe('the code flow', () => {
  it('exchanges the code with its PKCE verifier for an access token and a refresh token', async () => {
    const verifier = createCodeVerifier();
    const redirect = await authorize(verifier, 'the-state');
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('state')).toBe('the-state');
    const outcome = await client.exchangeCode({
      code: redirect.searchParams.get('code')!,
      redirectUri: REDIRECT_URI,
      codeVerifier: verifier,
    });
    if (outcome.kind !== 'tokens') throw new Error(`the exchange failed: ${outcome.reason}`);
    expect(outcome.tokens.accessToken).toMatch(/\S/);
    expect(outcome.tokens.refreshToken).toMatch(/\S/);
    expect(outcome.tokens.expiresInSeconds).toBeGreaterThan(3_500);
    expect(outcome.tokens.expiresInSeconds).toBeLessThanOrEqual(3_599);
  });

  it('a wrong verifier is a permanent failure naming PKCE, and the code is not retried', async () => {
    const redirect = await authorize(createCodeVerifier());
    const outcome = await client.exchangeCode({
      code: redirect.searchParams.get('code')!,
      redirectUri: REDIRECT_URI,
      codeVerifier: createCodeVerifier(),
    });
    expect(outcome).toMatchObject({ kind: 'permanent', error: 'invalid_grant', appSide: false });
    expect(outcome.kind === 'permanent' && outcome.reason).toMatch(/PKCE verifier does not match/);
    expect(await tokenRequests()).toEqual([400]);
  });

  it('a code redeemed once cannot be redeemed again', async () => {
    const verifier = createCodeVerifier();
    const code = (await authorize(verifier)).searchParams.get('code')!;
    expect((await client.exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: verifier })).kind).toBe(
      'tokens',
    );
    expect(await client.exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: verifier })).toMatchObject({
      kind: 'permanent',
      error: 'invalid_grant',
    });
  });

  it('a 503 of the token endpoint during the exchange is transient, sent once', async () => {
    const verifier = createCodeVerifier();
    const code = (await authorize(verifier)).searchParams.get('code')!;
    sandbox.control.injectFault({ path: '^/token$', status: 503, count: 1 });
    expect(await client.exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: verifier })).toMatchObject({
      kind: 'transient',
    });
    expect(await tokenRequests()).toEqual([503]);
  });
});

describe('refresh and revoke', () => {
  it('refreshes without rotation: no new refresh token, and the same one keeps working', async () => {
    const { refreshToken } = sandbox.control.issueRefreshToken({ scopes: [DRIVE_READONLY_SCOPE] });
    const first = await client.refresh({ refreshToken, scopes: [], fields: {} });
    const second = await client.refresh({ refreshToken, scopes: [], fields: {} });
    for (const outcome of [first, second]) {
      expect(outcome.kind).toBe('tokens');
      expect(outcome.kind === 'tokens' && outcome.tokens.refreshToken).toBeUndefined();
    }
    expect(first.kind === 'tokens' && second.kind === 'tokens' && first.tokens.accessToken).not.toBe(
      second.kind === 'tokens' && second.tokens.accessToken,
    );
  });

  it('revokes a refresh token: refreshing it then fails permanently; revoking again still counts as revoked', async () => {
    const { refreshToken } = sandbox.control.issueRefreshToken({ scopes: [DRIVE_READONLY_SCOPE] });
    expect(await client.revoke(refreshToken)).toEqual({ kind: 'revoked' });
    expect(await client.refresh({ refreshToken, scopes: [], fields: {} })).toMatchObject({
      kind: 'permanent',
      error: 'invalid_grant',
    });
    expect(await client.revoke(refreshToken)).toEqual({ kind: 'revoked' });
  });

  it('a refresh token Google does not know is permanent; a wrong client secret is the app’s to fix', async () => {
    expect(await client.refresh({ refreshToken: '1//not-a-token', scopes: [], fields: {} })).toMatchObject({
      kind: 'permanent',
      error: 'invalid_grant',
    });
    const wrongSecret = new GoogleOAuthClient({
      ...sandbox.oauth,
      clientId: sandbox.clientId,
      clientSecret: 'GOCSPX-wrong',
      connectScopes: DRIVE_READONLY_SCOPE,
    });
    const { refreshToken } = sandbox.control.issueRefreshToken({});
    expect(await wrongSecret.refresh({ refreshToken, scopes: [], fields: {} })).toMatchObject({
      kind: 'permanent',
      error: 'invalid_client',
      appSide: true,
    });
  });

  it('throttling of the token endpoint is transient with its Retry-After, one request per call', async () => {
    const { refreshToken } = sandbox.control.issueRefreshToken({});
    sandbox.control.injectFault({ path: '^/token$', status: 429, count: 1, retryAfterSeconds: 4 });
    expect(await client.refresh({ refreshToken, scopes: [], fields: {} })).toMatchObject({
      kind: 'transient',
      retryAfterMs: 4_000,
    });
    expect(await tokenRequests()).toEqual([429]);
  });
});
