// Which OAuth client serves which source type. OneDrive and SharePoint sign in through the same
// Microsoft identity platform app registration, so both types get one MicrosoftOAuthClient; Google
// Drive gets the GoogleOAuthClient of the Google Cloud project's web client. Each is built on first use
// (the Microsoft one needs MS_CLIENT_ID, the Google one GOOGLE_CLIENT_ID and its secret): a process
// that never touches a token, or lacks one provider's settings, must still start and serve the other.
import type { TokenCredential } from '@azure/identity';
import type { SourceType } from '../core/domain/source.js';
import type { OAuthClient, OAuthClientRegistry } from '../core/ports/oauth-client.js';
import { MicrosoftOAuthClient } from '../providers/microsoft/identity/microsoft-oauth-client.js';
import { GOOGLE_OAUTH_CLIENT_NAME, GoogleOAuthClient } from '../providers/google/identity/google-oauth-client.js';
import type { Config } from './config.js';
import { clientCredential, lazyAzureIdentity } from './app-identity.js';

/** A client known by name before it is built, so finding a grant's client builds only that one. */
export interface LazyOAuthClient {
  name: string;
  get(): OAuthClient;
}

export class StaticOAuthClientRegistry implements OAuthClientRegistry {
  constructor(private readonly clients: Readonly<Record<SourceType, LazyOAuthClient>>) {}

  get(type: SourceType): OAuthClient {
    const client = this.clients[type];
    if (!client) throw new Error(`no OAuth client serves source type "${type}"`);
    return client.get();
  }

  named(name: string): OAuthClient | undefined {
    // Only the clients of the wired types can be named by a stored grant.
    return Object.values(this.clients)
      .find((client) => client.name === name)
      ?.get();
  }
}

export interface OAuthClientOptions {
  /** The app's Azure identity for federated assertions (app-identity.ts); tests pass a fake. */
  identity?: () => TokenCredential;
  fetch?: typeof fetch;
}

export function createOAuthClientRegistry(config: Config, options: OAuthClientOptions = {}): OAuthClientRegistry {
  const microsoft = lazyClient('microsoft', () => microsoftOAuthClient(config, options));
  // The same app registration, asking for mail scopes only: a drive's user is not asked for mail, nor a
  // mailbox's for files. Both are named 'microsoft': a grant refreshes through either alike.
  const microsoftMail = lazyClient('microsoft', () =>
    microsoftOAuthClient(config, options, config.providers.microsoft.mailConnectScopes),
  );
  // Teams sources are asked for channel messages and chats only, through the same app registration.
  const microsoftTeams = lazyClient('microsoft', () =>
    microsoftOAuthClient(config, options, config.providers.microsoft.teamsConnectScopes),
  );
  const google = lazyClient(GOOGLE_OAUTH_CLIENT_NAME, () => googleOAuthClient(config, options));
  return new StaticOAuthClientRegistry({
    onedrive: microsoft,
    sharepoint: microsoft,
    outlook_mail: microsoftMail,
    teams_channel: microsoftTeams,
    teams_chat: microsoftTeams,
    google_drive: google,
  });
}

function lazyClient(name: string, build: () => OAuthClient): LazyOAuthClient {
  let built: OAuthClient | undefined;
  return { name, get: () => (built ??= build()) };
}

export function microsoftOAuthClient(
  config: Config,
  options: OAuthClientOptions = {},
  connectScopes = config.providers.microsoft.connectScopes,
): MicrosoftOAuthClient {
  if (!config.providers.microsoft.clientId) throw new Error('MS_CLIENT_ID is required for token management');
  return new MicrosoftOAuthClient({
    authorityHost: config.providers.microsoft.authorityHost,
    clientId: config.providers.microsoft.clientId,
    clientCredential: clientCredential(config, options.identity ?? lazyAzureIdentity(config)),
    defaultTenantId: config.providers.microsoft.tenantId ?? 'organizations',
    connectScopes,
    // App-only tokens are for the Graph the app talks to (its origin, so sovereign clouds work too).
    appOnlyScope: `${new URL(config.providers.microsoft.graphBaseUrl).origin}/.default`,
    fetch: options.fetch,
  });
}

export function googleOAuthClient(config: Config, options: Pick<OAuthClientOptions, 'fetch'> = {}): GoogleOAuthClient {
  const google = config.providers.google;
  if (!google.clientId || !google.clientSecret) {
    throw new Error('GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are required for Google Drive sources');
  }
  return new GoogleOAuthClient({
    clientId: google.clientId,
    clientSecret: google.clientSecret,
    authorizeUrl: google.authorizeUrl,
    tokenUrl: google.tokenUrl,
    revokeUrl: google.revokeUrl,
    connectScopes: google.connectScopes,
    fetch: options.fetch,
  });
}
