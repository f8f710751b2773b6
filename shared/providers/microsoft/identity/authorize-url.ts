// The Microsoft identity platform's authorize request for the connect flow (docs/graph-behaviour.md §6;
// Microsoft Entra "OAuth 2.0 authorization code flow"): response_type=code with PKCE S256.
export interface AuthorizeRequest {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  redirectUri: string;
  scopes: string;
  state: string;
  codeChallenge: string;
}

export function authorizeUrl(request: AuthorizeRequest): string {
  const url = new URL(`${request.authorityHost}/${encodeURIComponent(request.tenantId)}/oauth2/v2.0/authorize`);
  url.search = new URLSearchParams({
    client_id: request.clientId,
    response_type: 'code',
    redirect_uri: request.redirectUri,
    // query: the code comes back as a GET the callback function can read (form_post would be a POST).
    response_mode: 'query',
    scope: request.scopes,
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.href;
}
