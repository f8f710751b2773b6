// Issue 12 item 5 against the Google sandbox, through google-auth-library: the code flow with PKCE
// (a wrong verifier refused), refreshes that do not rotate the refresh token, revocation at Google's
// revoke endpoint, and a grant that Google ended → needs_reauth with the reason, through the real
// RefreshingTokenManager, the token store on Azurite and the sync engine.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleSandbox, type GoogleSandbox } from '../../../dev/sandbox/google/google-sandbox.js';
import { ReauthRequiredError } from '../../../shared/core/domain/errors.js';
import { GoogleOAuthClient } from '../../../shared/providers/google/identity/google-oauth-client.js';
import { localTokenManager } from '../../support/local-token-manager.js';

const REDIRECT = 'http://localhost:7071/api/connect/callback';
let sandbox: GoogleSandbox;
let client: GoogleOAuthClient;

beforeAll(async () => {
  sandbox = await startGoogleSandbox({ redirectUris: [REDIRECT] });
  client = new GoogleOAuthClient({
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    authorizeUrl: sandbox.oauth.authorizeUrl,
    tokenUrl: sandbox.oauth.tokenUrl,
    revokeUrl: sandbox.oauth.revokeUrl,
    connectScopes: 'https://www.googleapis.com/auth/drive.readonly',
  });
});
afterAll(async () => sandbox.stop());

/** Follows the authorize URL as a browser would (the sandbox consents at once) and returns the code. */
async function authorize(challenge: string): Promise<{ code: string; state: string | null }> {
  const url = client.authorizeUrl({ redirectUri: REDIRECT, state: 'state-1', codeChallenge: challenge });
  const answer = await fetch(url, { redirect: 'manual' });
  expect(answer.status).toBe(302);
  const back = new URL(answer.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(REDIRECT);
  return { code: back.searchParams.get('code')!, state: back.searchParams.get('state') };
}

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

describe('Google OAuth against the sandbox', () => {
  it('asks for offline access with consent and PKCE S256, and exchanges the code with its verifier', async () => {
    const url = new URL(client.authorizeUrl({ redirectUri: REDIRECT, state: 's', codeChallenge: 'c'.repeat(43) }));
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toBe('https://www.googleapis.com/auth/drive.readonly');

    const { verifier, challenge } = pkce();
    const { code, state } = await authorize(challenge);
    expect(state).toBe('state-1');
    const outcome = await client.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: verifier });
    expect(outcome.kind).toBe('tokens');
    if (outcome.kind !== 'tokens') return;
    expect(outcome.tokens.refreshToken).toMatch(/^1\/\//);
    // The code is single-use.
    const again = await client.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: verifier });
    expect(again).toMatchObject({ kind: 'permanent', error: 'invalid_grant' });
  });

  it('refuses a code redeemed with the wrong verifier', async () => {
    const { challenge } = pkce();
    const { code } = await authorize(challenge);
    const outcome = await client.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: pkce().verifier });
    expect(outcome).toMatchObject({ kind: 'permanent', error: 'invalid_grant' });
  });

  it('refreshes without rotating, and revokes at the revoke endpoint', async () => {
    const { refreshToken } = sandbox.control.issueRefreshToken();
    const first = await client.refresh({ refreshToken, scopes: [], fields: {} });
    expect(first.kind).toBe('tokens');
    if (first.kind === 'tokens') expect(first.tokens.refreshToken).toBeUndefined();
    expect(client.refreshTokensRotate).toBe(false);
    expect(await client.revoke(refreshToken)).toEqual({ kind: 'revoked' });
    expect(sandbox.control.grantAlive(refreshToken)).toBe(false);
    // Revoking again: Google answers invalid_token, which counts as revoked.
    expect(await client.revoke(refreshToken)).toEqual({ kind: 'revoked' });
    const after = await client.refresh({ refreshToken, scopes: [], fields: {} });
    expect(after).toMatchObject({ kind: 'permanent', error: 'invalid_grant' });
  });

  it('ends in needs_reauth with a reason naming the causes when Google ends the grant', async () => {
    const { manager, store } = await localTokenManager({ client });
    const source = { kbId: 'kb-google', sourceId: 'drive' };
    const { refreshToken } = sandbox.control.issueRefreshToken();
    await manager.storeGrant(source, { refreshToken, sourceType: 'google_drive' });
    const token = await manager.getAccessToken(source);
    expect(token).toMatch(/^ya29\./);
    sandbox.control.revokeGrant({ refreshToken, reason: 'testing_app_7_days' });
    await manager.invalidateAccessToken(source, token);
    const failure = await manager.getAccessToken(source).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReauthRequiredError);
    expect((failure as ReauthRequiredError).reason).toMatch(/revoked|expired/i);
    expect((failure as ReauthRequiredError).reason).not.toContain(refreshToken);
    // DELETE of the source revokes at Google (already dead here: still forgotten).
    await manager.revoke(source);
    expect(await store.read(source)).toBeUndefined();
  });
});
