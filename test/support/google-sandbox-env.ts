// The GOOGLE_* settings that point the app at a Google sandbox (its web client and OAuth endpoints),
// with a Microsoft client id that is never called, so the composition's default client can be built.
import type { GoogleSandbox } from '../../dev/sandbox/google/google-sandbox.js';

export function googleSandboxEnv(sandbox: GoogleSandbox): Record<string, string> {
  return {
    MS_CLIENT_ID: 'microsoft-client-never-called',
    GOOGLE_CLIENT_ID: sandbox.clientId,
    GOOGLE_CLIENT_SECRET: sandbox.clientSecret,
    GOOGLE_OAUTH_AUTHORIZE_URL: sandbox.oauth.authorizeUrl,
    GOOGLE_OAUTH_TOKEN_URL: sandbox.oauth.tokenUrl,
    GOOGLE_OAUTH_REVOKE_URL: sandbox.oauth.revokeUrl,
    GOOGLE_DRIVE_ROOT_URL: sandbox.driveRootUrl,
  };
}
