// Which provider serves which source type. OneDrive and SharePoint are the same Graph drive API,
// so both types get a OneDriveProvider over one shared Graph client.
import type { SourceType } from '../core/domain/source.js';
import type { ProviderRegistry, SyncProvider, TokenManager } from '../core/ports/provider-ports.js';
import { createGraphTransport, OneDriveProvider } from '../providers/microsoft/drive/onedrive-provider.js';

export class StaticProviderRegistry implements ProviderRegistry {
  constructor(private readonly providers: Readonly<Record<SourceType, SyncProvider>>) {}

  get(type: SourceType): SyncProvider {
    return this.providers[type];
  }
}

export interface ProviderRegistrySettings {
  graphBaseUrl: string;
  tokens: TokenManager;
  /** See GraphClientOptions.maxInlineRetryWaitSeconds. */
  maxInlineRetryWaitSeconds?: number;
}

export function createProviderRegistry(settings: ProviderRegistrySettings): ProviderRegistry {
  const transport = createGraphTransport(settings);
  return new StaticProviderRegistry({
    onedrive: new OneDriveProvider('onedrive', transport),
    sharepoint: new OneDriveProvider('sharepoint', transport),
  });
}
