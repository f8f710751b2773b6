// Which OAuth client serves which source type. OneDrive and SharePoint sign in through the same
// Microsoft identity platform app registration, so both types get one MicrosoftOAuthClient, built on
// first use (it needs MS_CLIENT_ID; a process that never touches a token must still start).
import type { TokenCredential } from '@azure/identity';
import type { SourceType } from '../core/domain/source.js';
import type { OAuthClient, OAuthClientRegistry } from '../core/ports/oauth-client.js';
import { MicrosoftOAuthClient } from '../providers/microsoft/identity/microsoft-oauth-client.js';
import type { Config } from './config.js';
import { clientCredential, lazyAzureIdentity } from './app-identity.js';

export class StaticOAuthClientRegistry implements OAuthClientRegistry {
  constructor(private readonly clients: Readonly<Record<SourceType, () => OAuthClient>>) {}

  get(type: SourceType): OAuthClient {
    const client = this.clients[type];
    if (!client) throw new Error(`no OAuth client serves source type "${type}"`);
    return client();
  }

  named(name: string): OAuthClient | undefined {
    // Clients are built on first use; only those of the wired types can be named by a stored grant.
    for (const client of Object.values(this.clients)) {
      const built = client();
      if (built.name === name) return built;
    }
    return undefined;
  }
}

export interface OAuthClientOptions {
  /** The app's Azure identity for federated assertions (app-identity.ts); tests pass a fake. */
  identity?: () => TokenCredential;
  fetch?: typeof fetch;
}

export function createOAuthClientRegistry(config: Config, options: OAuthClientOptions = {}): OAuthClientRegistry {
  let microsoft: MicrosoftOAuthClient | undefined;
  const getMicrosoft = () => (microsoft ??= microsoftOAuthClient(config, options));
  return new StaticOAuthClientRegistry({ onedrive: getMicrosoft, sharepoint: getMicrosoft });
}

export function microsoftOAuthClient(config: Config, options: OAuthClientOptions = {}): MicrosoftOAuthClient {
  if (!config.providers.microsoft.clientId) throw new Error('MS_CLIENT_ID is required for token management');
  return new MicrosoftOAuthClient({
    authorityHost: config.providers.microsoft.authorityHost,
    clientId: config.providers.microsoft.clientId,
    clientCredential: clientCredential(config, options.identity ?? lazyAzureIdentity(config)),
    defaultTenantId: config.providers.microsoft.tenantId ?? 'organizations',
    connectScopes: config.providers.microsoft.connectScopes,
    // App-only tokens are for the Graph the app talks to (its origin, so sovereign clouds work too).
    appOnlyScope: `${new URL(config.providers.microsoft.graphBaseUrl).origin}/.default`,
    fetch: options.fetch,
  });
}
