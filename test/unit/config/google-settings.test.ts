// The GOOGLE_* settings: Google's own endpoints by default, the client id and secret only together,
// the channel lifetime capped at Google's week, and the secret never echoed or registered unredacted.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SECRET_SETTINGS } from '../../../shared/app/config.js';
import { createOAuthClientRegistry } from '../../../shared/app/oauth-clients.js';

describe('Google settings', () => {
  it('default to Google’s endpoints, the Drive read-only scope and a one-week channel', () => {
    expect(loadConfig({}).providers.google).toEqual({
      clientId: undefined,
      clientSecret: undefined,
      authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      revokeUrl: 'https://oauth2.googleapis.com/revoke',
      driveRootUrl: 'https://www.googleapis.com/',
      connectScopes: 'https://www.googleapis.com/auth/drive.readonly',
      watchMaxLifetimeMs: 7 * 86_400_000,
    });
  });

  it('are read by their names', () => {
    const google = loadConfig({
      GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'shh',
      GOOGLE_OAUTH_AUTHORIZE_URL: 'https://127.0.0.1:1/o/oauth2/v2/auth',
      GOOGLE_OAUTH_TOKEN_URL: 'https://127.0.0.1:1/token',
      GOOGLE_OAUTH_REVOKE_URL: 'https://127.0.0.1:1/revoke',
      GOOGLE_DRIVE_ROOT_URL: 'https://127.0.0.1:1/',
      GOOGLE_CONNECT_SCOPES: 'https://www.googleapis.com/auth/drive.readonly openid',
      GOOGLE_WATCH_MAX_LIFETIME_HOURS: '24',
    }).providers.google;
    expect(google).toMatchObject({ clientId: 'id.apps.googleusercontent.com', tokenUrl: 'https://127.0.0.1:1/token' });
    expect(google.watchMaxLifetimeMs).toBe(86_400_000);
  });

  it('need the id and the secret together, refuse a channel longer than a week, and never echo the secret', () => {
    const secret = 'google-secret-value-42';
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
      }
    };
    const withoutId = problems({ GOOGLE_CLIENT_SECRET: secret, GOOGLE_WATCH_MAX_LIFETIME_HOURS: '169' });
    expect(withoutId.join('\n')).toMatch(/GOOGLE_CLIENT_ID: required/);
    expect(withoutId.join('\n')).toMatch(/GOOGLE_WATCH_MAX_LIFETIME_HOURS/);
    expect(withoutId.join('\n')).not.toContain(secret);
    expect(problems({ GOOGLE_CLIENT_ID: 'id' }).join('\n')).toMatch(/GOOGLE_CLIENT_SECRET: required/);
    expect(SECRET_SETTINGS).toContain('GOOGLE_CLIENT_SECRET');
  });

  it('a process without them still serves Microsoft sources; a Google source asks for them by name', () => {
    const registry = createOAuthClientRegistry(loadConfig({ MS_CLIENT_ID: 'ms-client' }));
    expect(registry.get('onedrive').name).toBe('microsoft');
    expect(registry.named('microsoft')?.name).toBe('microsoft');
    expect(() => registry.get('google_drive')).toThrow(/GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are required/);
  });

  it('a Google-only process serves Google grants without building the Microsoft client', () => {
    const registry = createOAuthClientRegistry(loadConfig({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 's' }));
    expect(registry.named('google')?.name).toBe('google');
    expect(registry.get('google_drive').refreshTokensRotate).toBe(false);
    expect(() => registry.get('onedrive')).toThrow(/MS_CLIENT_ID/);
  });
});
