// Redeems the authorization code at the v2.0 token endpoint (docs/graph-behaviour.md §6:
// grant_type=authorization_code with code, redirect_uri and code_verifier), through the same request
// function and client credential as refreshes (microsoft-oauth-client.ts). No retry: a code is
// single-use, so a retry after a lost answer would only fail with "already redeemed" (AADSTS54005).
import type { AuthorizationCode } from '../../../core/ports/oauth-client.js';
import type { ClientCredential } from './client-credential.js';
import { requestTokens, tokenEndpointUrl, type TokenRequestOutcome } from './token-endpoint.js';

export interface CodeExchangeSettings {
  authorityHost: string;
  /** The tenant the user signed in through (MS_TENANT_ID, else "organizations"); same as /authorize. */
  tenantId: string;
  clientId: string;
  clientCredential: ClientCredential | undefined;
  scopes: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export type CodeExchange = (code: AuthorizationCode) => Promise<TokenRequestOutcome>;

export function codeExchange(settings: CodeExchangeSettings): CodeExchange {
  const url = tokenEndpointUrl(settings.authorityHost, settings.tenantId);
  return async ({ code, redirectUri, codeVerifier }) =>
    requestTokens(
      url,
      {
        client_id: settings.clientId,
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: codeVerifier,
        scope: settings.scopes,
        ...(await settings.clientCredential?.formFields(url)),
      },
      { timeoutMs: settings.timeoutMs ?? 10_000, fetch: settings.fetch },
    );
}
