// The connect flow's authorize URL for Google (web-server guide, "Step 1: Set authorization
// parameters"): every parameter the flow relies on, and nothing secret in it.
import { describe, expect, it } from 'vitest';
import type { OAuthClient } from '../../../../shared/core/ports/oauth-client.js';
import {
  DRIVE_READONLY_SCOPE,
  GOOGLE_OAUTH_ENDPOINTS,
  GoogleOAuthClient,
} from '../../../../shared/providers/google/identity/google-oauth-client.js';

const client = (connectScopes = DRIVE_READONLY_SCOPE, authorizeUrl: string = GOOGLE_OAUTH_ENDPOINTS.authorizeUrl) =>
  new GoogleOAuthClient({
    ...GOOGLE_OAUTH_ENDPOINTS,
    authorizeUrl,
    clientId: 'client-123.apps.googleusercontent.com',
    clientSecret: 'the-client-secret',
    connectScopes,
  });

const request = {
  redirectUri: 'https://kb.example/api/connect/callback',
  state: 'signed.state',
  codeChallenge: 'abc_DEF-123',
};

describe('GoogleOAuthClient.authorizeUrl', () => {
  it('asks for an offline code with PKCE S256, consent, the scopes, state and redirect URI', () => {
    const url = new URL(client().authorizeUrl(request));
    expect(`${url.origin}${url.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'client-123.apps.googleusercontent.com',
      response_type: 'code',
      redirect_uri: request.redirectUri,
      scope: DRIVE_READONLY_SCOPE,
      state: request.state,
      access_type: 'offline',
      prompt: 'consent',
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    });
    expect(url.href).not.toContain('the-client-secret');
  });

  it('sends several configured scopes space-separated, at the configured endpoint', () => {
    const url = new URL(
      client(`${DRIVE_READONLY_SCOPE}  openid`, 'https://127.0.0.1:9/o/oauth2/v2/auth').authorizeUrl(request),
    );
    expect(url.host).toBe('127.0.0.1:9');
    expect(url.searchParams.get('scope')).toBe(`${DRIVE_READONLY_SCOPE} openid`);
  });

  it('declares no rotation, the six-month idle rule, no app-only access, and refuses Microsoft grant fields', () => {
    const google: OAuthClient = client();
    expect(google.name).toBe('google');
    expect(google.refreshTokensRotate).toBe(false);
    expect(google.inactivity?.maxIdleMs).toBe(180 * 86_400_000);
    expect(google.appOnly).toBeUndefined();
    expect(google.newDelegatedGrant({})).toEqual({ fields: {}, scopes: [DRIVE_READONLY_SCOPE] });
    expect(() => google.newDelegatedGrant({ tenantId: 'contoso' })).toThrow(/tenantId/);
  });
});
