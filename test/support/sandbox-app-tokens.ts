// An app-only TokenManager for engine tests: client_credentials against the sandbox's real token
// endpoint. (The product's token manager lives in shared/tokens and has its own tests.)
import type { TokenManager } from '../../shared/core/ports/provider-ports.js';

export function sandboxAppTokens(sandbox: {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}): TokenManager {
  let cached: { token: string; expiresAt: number } | undefined;
  return {
    async getAccessToken() {
      if (cached && cached.expiresAt > Date.now() + 60_000) return cached.token;
      const response = await fetch(`${sandbox.authorityHost}/${sandbox.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: sandbox.clientId,
          client_secret: sandbox.clientSecret,
          scope: 'https://graph.microsoft.com/.default',
        }),
      });
      if (!response.ok) throw new Error(`sandbox token endpoint answered ${response.status}`);
      const body = (await response.json()) as { access_token: string };
      return body.access_token;
    },
    // Nothing is cached: every call asks the token endpoint.
    async invalidateAccessToken() {},
    async storeGrant() {},
    async revoke() {},
  };
}
