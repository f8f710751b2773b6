// Where the authority publishes the keys that sign the validation tokens of notifications with
// resource data: its OpenID configuration's jwks_uri
// (https://learn.microsoft.com/en-us/graph/change-notifications-with-resource-data;
// https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-the-signature).
// AUTHORITY_HOST is https://login.microsoftonline.com in Azure and the sandbox locally.
import { z } from 'zod';

/** Graph's validation tokens are v1 tokens (issuer sts.windows.net), whose keys the common v1 configuration lists. */
export function openIdConfigurationUrl(authorityHost: string): URL {
  return new URL(`${authorityHost.replace(/\/+$/, '')}/common/.well-known/openid-configuration`);
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** https, or http on loopback (local runs and tests): keys fetched in clear elsewhere could be anyone's. */
const keysUrl = z.url().refine((value) => {
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}, 'jwks_uri must be https');

export const openIdConfigurationSchema = z.looseObject({ jwks_uri: keysUrl });

export class KeysUnavailableError extends Error {
  override readonly name = 'KeysUnavailableError';
}

/** Fetches and parses the configuration; any failure is a KeysUnavailableError naming the step and status only. */
export async function fetchJwksUri(authorityHost: string, timeoutMs: number): Promise<URL> {
  let response: Response;
  try {
    response = await fetch(openIdConfigurationUrl(authorityHost), {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw new KeysUnavailableError('openid configuration: no answer');
  }
  if (!response.ok) throw new KeysUnavailableError(`openid configuration: status ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new KeysUnavailableError('openid configuration: not JSON');
  }
  const parsed = openIdConfigurationSchema.safeParse(body);
  if (!parsed.success) throw new KeysUnavailableError('openid configuration: no usable jwks_uri');
  return new URL(parsed.data.jwks_uri);
}
