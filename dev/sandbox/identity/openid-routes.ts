// The identity platform's common OpenID Connect discovery documents and key sets, as
// change-notifications-with-resource-data tells apps to use them to check validation tokens:
//   GET {authorityHost}/common/.well-known/openid-configuration       (v1: jwks_uri …/common/discovery/keys)
//   GET {authorityHost}/common/v2.0/.well-known/openid-configuration  (v2: jwks_uri …/common/discovery/v2.0/keys)
//   GET {authorityHost}/common/discovery/keys, /common/discovery/v2.0/keys → { keys: [{ kty, use, kid, n, e }] }
// The common v1 document's issuer is the templated https://sts.windows.net/{tenantid}/, v2's
// https://login.microsoftonline.com/{tenantid}/v2.0. Control (loopback, no token):
//   POST /_sandbox/identity/signing-keys/rotate → { kid, previousKid }   (the previous key stays listed)
import { jsonResponse } from '../http/sandbox-http.js';
import type { SandboxRouter } from '../http/sandbox-http.js';
import type { SigningKeys } from './signing-keys.js';

export function registerOpenIdRoutes(router: SandboxRouter, keys: SigningKeys, baseUrl: () => string): void {
  const document = (version: 'v1' | 'v2') => {
    const base = baseUrl();
    const v2 = version === 'v2';
    return {
      issuer: v2 ? `${base.replace(/\/$/, '')}/{tenantid}/v2.0` : 'https://sts.windows.net/{tenantid}/',
      authorization_endpoint: `${base}/common/oauth2/${v2 ? 'v2.0/' : ''}authorize`,
      token_endpoint: `${base}/common/oauth2/${v2 ? 'v2.0/' : ''}token`,
      jwks_uri: `${base}/common/discovery/${v2 ? 'v2.0/' : ''}keys`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      tenant_region_scope: null,
    };
  };
  const cache = { 'cache-control': 'max-age=86400, private' };
  router.add('GET', /^\/common\/\.well-known\/openid-configuration$/, 'identity', () =>
    jsonResponse(200, document('v1'), cache),
  );
  router.add('GET', /^\/common\/v2\.0\/\.well-known\/openid-configuration$/, 'identity', () =>
    jsonResponse(200, document('v2'), cache),
  );
  router.add('GET', /^\/common\/discovery(?:\/v2\.0)?\/keys$/, 'identity', () => jsonResponse(200, keys.jwks(), cache));
  router.add('POST', /^\/_sandbox\/identity\/signing-keys\/rotate$/, 'control', () => jsonResponse(200, keys.rotate()));
}
