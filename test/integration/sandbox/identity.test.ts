// Issue 3 §7: the authorize and token endpoints (docs/graph-behaviour.md §6) and bearer checks on Graph (§7).
import { beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { graphErrorSchema, tokenErrorSchema, tokenSuccessSchema } from './graph-test-schemas.js';
import { graphGet, postToken, refresh, request, useResetSandbox } from './sandbox-test-kit.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const REDIRECT_URI = 'http://localhost:3000/auth/callback';

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function expectTokenError(
  result: { status: number; body: unknown },
  status: number,
  error: string,
  code: number,
): Promise<void> {
  expect(result.status).toBe(status);
  const body = tokenErrorSchema.parse(result.body);
  expect(body.error).toBe(error);
  expect(body.error_codes).toEqual([code]);
  expect(body.error_description.startsWith(`AADSTS${code}: `)).toBe(true);
  await Promise.resolve();
}

describe('sandbox identity platform', () => {
  let sandbox: Sandbox;
  const fixture = useResetSandbox();
  beforeEach(async () => {
    sandbox = fixture.sandbox;
    await sandbox.control.setRedirectUris(sandbox.clientId, [REDIRECT_URI]);
  });

  function authorizeUrl(challenge: string, extra: Record<string, string> = {}): string {
    const query = new URLSearchParams({
      client_id: sandbox.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'offline_access Files.Read.All',
      state: 'state-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
    return `${sandbox.authorityHost}/${sandbox.tenantId}/oauth2/v2.0/authorize?${query.toString()}`;
  }

  async function authorize(challenge: string): Promise<string> {
    const redirect = await request(authorizeUrl(challenge));
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('state-123');
    return location.searchParams.get('code')!;
  }

  it('runs the authorization code flow with PKCE S256 and auto-consent', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await authorize(challenge);
    const redeem = (codeVerifier: string) =>
      postToken(sandbox, {
        client_id: sandbox.clientId,
        client_secret: sandbox.clientSecret,
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: codeVerifier,
      });
    await expectTokenError(await redeem(pkcePair().verifier), 400, 'invalid_grant', 501481);
    const success = await redeem(verifier);
    expect(success.status).toBe(200);
    const tokens = tokenSuccessSchema.parse(success.body);
    expect(tokens.refresh_token).toBeDefined();
    expect(tokens.expires_in).toBeGreaterThanOrEqual(3600);
    expect(tokens.expires_in).toBeLessThanOrEqual(5400);
    expect((await graphGet(`${sandbox.graphBaseUrl}/me/drive`, tokens.access_token)).status).toBe(200);
    await expectTokenError(await redeem(verifier), 400, 'invalid_grant', 54005);
  });

  it('refuses consent when told to deny, and requires S256', async () => {
    await sandbox.control.settings({ authorizeDeny: true });
    const denied = await request(authorizeUrl(pkcePair().challenge));
    const location = new URL(denied.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('code')).toBeNull();
    await sandbox.control.settings({ authorizeDeny: false });
    const plain = await request(authorizeUrl(pkcePair().challenge, { code_challenge_method: 'plain' }));
    expect(plain.status).toBe(400);
  });

  it('refuses a redirect_uri the app did not register: AADSTS50011 (a page for a browser, no redirect), AADSTS500113 when none is', async () => {
    const other = authorizeUrl(pkcePair().challenge, { redirect_uri: 'http://localhost:3001/auth/callback' });
    const program = await request(other);
    expect(program.status).toBe(400);
    expect(program.headers.get('location')).toBeNull();
    expect(tokenErrorSchema.parse(program.body).error_codes).toEqual([50011]);
    const browser = await request(other, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(browser.status).toBe(400);
    expect(browser.headers.get('location')).toBeNull();
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/);
    expect(browser.text).toContain('AADSTS50011');
    expect(browser.text).toContain('http://localhost:3001/auth/callback');

    await sandbox.control.setRedirectUris(sandbox.clientId, []);
    const none = await request(authorizeUrl(pkcePair().challenge));
    expect(none.status).toBe(400);
    expect(tokenErrorSchema.parse(none.body).error_codes).toEqual([500113]);
  });

  it('shows a browser a sign-in and consent page; Allow sends a code for the picked account, Deny access_denied', async () => {
    const other = await sandbox.control.createUser({ displayName: 'Megan Bowen' });
    const { driveId } = await sandbox.control.createDrive({ driveType: 'business', ownerUserId: other.id });
    const { verifier, challenge } = pkcePair();
    const url = authorizeUrl(challenge);
    const page = await request(url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const text of ['Adele Vance', 'Megan Bowen', 'Files.Read.All', 'offline_access', 'Allow', 'Deny']) {
      expect(page.text).toContain(text);
    }
    // The form posts the request back with the decision; the page echoes every parameter.
    const form = new URLSearchParams(new URL(url).searchParams);
    const post = (extra: Record<string, string>) =>
      request(url.split('?')[0]!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([...form, ...Object.entries(extra)]).toString(),
      });

    const denied = await post({ decision: 'deny', login_user_id: other.id });
    expect(denied.status).toBe(302);
    const deniedAt = new URL(denied.headers.get('location')!);
    expect(deniedAt.searchParams.get('error')).toBe('access_denied');
    expect(deniedAt.searchParams.get('state')).toBe('state-123');
    expect(deniedAt.searchParams.get('code')).toBeNull();

    const allowed = await post({ decision: 'allow', login_user_id: other.id });
    expect(allowed.status).toBe(302);
    const code = new URL(allowed.headers.get('location')!).searchParams.get('code')!;
    const redeemed = await postToken(sandbox, {
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(redeemed.status).toBe(200);
    const drive = await graphGet(
      `${sandbox.graphBaseUrl}/me/drive`,
      tokenSuccessSchema.parse(redeemed.body).access_token,
    );
    expect((drive.body as { id: string }).id).toBe(driveId);

    // With authorizePrompt 'never' even a browser gets the instant answer (tests that drive a browser).
    await sandbox.control.settings({ authorizePrompt: 'never' });
    expect((await request(url, { headers: { accept: 'text/html' } })).status).toBe(302);
  });

  it('rotates refresh tokens; the old one stays valid; the token log shows ids, never tokens', async () => {
    const { refreshToken } = await sandbox.control.issueRefreshToken({
      userId: sandbox.defaultUserId,
      scopes: ['Files.Read.All'],
    });
    const first = await refresh(sandbox, refreshToken);
    expect(first.refresh_token).toBeDefined();
    expect(first.refresh_token).not.toBe(refreshToken);
    const again = await refresh(sandbox, refreshToken);
    expect(again.refresh_token).not.toBe(first.refresh_token);

    const log = await sandbox.control.tokenLog();
    // The refresh token issued by the control API last is this test's; its id is opaque.
    const issuedId = log.filter((entry) => entry.grantType === 'control:consent').at(-1)!.issuedRefreshTokenId;
    const refreshes = log.filter(
      (entry) => entry.grantType === 'refresh_token' && entry.presentedRefreshTokenId === issuedId,
    );
    expect(refreshes).toHaveLength(2);
    expect(refreshes[0]!.presentedRefreshTokenId).toBe(refreshes[1]!.presentedRefreshTokenId);
    expect(refreshes[0]!.issuedRefreshTokenId).not.toBe(refreshes[1]!.issuedRefreshTokenId);
    const serialized = JSON.stringify(log);
    for (const secret of [refreshToken, first.refresh_token!, first.access_token])
      expect(serialized).not.toContain(secret);
  });

  it('answers AADSTS700082 after 90 days of inactivity and AADSTS50173 after revocation', async () => {
    const { refreshToken } = await sandbox.control.issueRefreshToken({
      userId: sandbox.defaultUserId,
      scopes: ['Files.Read.All'],
    });
    await sandbox.control.advanceClock(89 * DAY_MS);
    const renewed = await refresh(sandbox, refreshToken);
    await sandbox.control.advanceClock(2 * DAY_MS);
    const form = (token: string) => ({
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: token,
    });
    await expectTokenError(await postToken(sandbox, form(refreshToken)), 400, 'invalid_grant', 700082);
    const stillValid = await refresh(sandbox, renewed.refresh_token!);
    await sandbox.control.revokeGrant(sandbox.defaultUserId);
    await expectTokenError(await postToken(sandbox, form(stillValid.refresh_token!)), 400, 'invalid_grant', 50173);
  });

  it('authenticates clients: wrong secret 401, public client with a secret 401 (AADSTS700025), unknown client 400', async () => {
    const { refreshToken } = await sandbox.control.issueRefreshToken({
      userId: sandbox.defaultUserId,
      scopes: ['Files.Read.All'],
    });
    await expectTokenError(
      await postToken(sandbox, {
        client_id: sandbox.clientId,
        client_secret: 'wrong',
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      }),
      401,
      'invalid_client',
      7000215,
    );
    await expectTokenError(
      await postToken(sandbox, {
        client_id: sandbox.publicClientId,
        client_secret: 'anything',
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      }),
      401,
      'invalid_client',
      700025,
    );
    await expectTokenError(
      await postToken(sandbox, {
        client_id: 'not-registered',
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      }),
      400,
      'unauthorized_client',
      700016,
    );
  });

  it('issues app-only tokens with client_credentials and .default scopes only', async () => {
    const ok = await postToken(sandbox, {
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
    });
    const tokens = tokenSuccessSchema.parse(ok.body);
    expect(tokens.refresh_token).toBeUndefined();
    expect(
      (await graphGet(`${sandbox.graphBaseUrl}/drives/${sandbox.defaultDriveId}`, tokens.access_token)).status,
    ).toBe(200);
    const wrongScope = await postToken(sandbox, {
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
      grant_type: 'client_credentials',
      scope: 'Files.Read.All',
    });
    expect(tokenErrorSchema.parse(wrongScope.body).error).toBe('invalid_scope');
  });

  it('answers 401 InvalidAuthenticationToken with WWW-Authenticate for missing, unknown and expired tokens', async () => {
    const { refreshToken } = await sandbox.control.issueRefreshToken({
      userId: sandbox.defaultUserId,
      scopes: ['Files.Read.All'],
    });
    const { access_token: accessToken } = await refresh(sandbox, refreshToken);
    const url = `${sandbox.graphBaseUrl}/me/drive`;
    const missing = await request(url);
    const unknown = await graphGet(url, 'not-a-token');
    await sandbox.control.advanceClock(91 * 60 * 1000);
    const expired = await graphGet(url, accessToken);
    for (const result of [missing, unknown, expired]) {
      expect(result.status).toBe(401);
      expect(result.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(graphErrorSchema.parse(result.body).error.code).toBe('InvalidAuthenticationToken');
    }
  });

  it('revoking with revokeAccessTokens (continuous access evaluation) makes Graph refuse the issued tokens at once', async () => {
    const url = `${sandbox.graphBaseUrl}/me/drive`;
    const tokenFor = async (userId: string) => {
      const { refreshToken } = await sandbox.control.issueRefreshToken({ userId, scopes: ['Files.Read.All'] });
      return (await refresh(sandbox, refreshToken)).access_token;
    };
    const plain = await sandbox.control.createUser({});
    await sandbox.control.createDrive({ driveType: 'business', ownerUserId: plain.id });
    const plainToken = await tokenFor(plain.id);
    expect(await sandbox.control.revokeGrant(plain.id)).toEqual({ revoked: 1, accessTokensRevoked: 0 });
    // Without it, an issued access token lives out its lifetime, as without continuous access evaluation.
    expect((await graphGet(url, plainToken)).status).toBe(200);

    const bystander = await tokenFor(sandbox.defaultUserId);
    const cae = await sandbox.control.createUser({});
    await sandbox.control.createDrive({ driveType: 'business', ownerUserId: cae.id });
    const caeToken = await tokenFor(cae.id);
    expect((await graphGet(url, caeToken)).status).toBe(200);
    expect(await sandbox.control.revokeGrant(cae.id, { revokeAccessTokens: true })).toEqual({
      revoked: 1,
      accessTokensRevoked: 2, // the one issued with the grant, and the refreshed one
    });
    const refused = await graphGet(url, caeToken);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const body = graphErrorSchema.parse(refused.body);
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.message).toContain('TokenIssuedBeforeRevocationTimestamp');
    // Only that user's tokens.
    expect((await graphGet(url, bystander)).status).toBe(200);
  });
});
