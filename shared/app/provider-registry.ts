// Which provider serves which source type. OneDrive and SharePoint are the same Graph drive API,
// so both types get a OneDriveProvider over one shared Graph client.
import type { SourceType } from '../core/domain/source.js';
import type { ProviderRegistry, SyncProvider, TokenManager } from '../core/ports/provider-ports.js';
import { createGraphTransport, OneDriveProvider } from '../providers/microsoft/drive/onedrive-provider.js';
import { DriveWatch } from '../providers/microsoft/drive/drive-watch.js';

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
  /** MS_TENANT_ID: the tenant whose change notifications are accepted (none pinned when multi-tenant or unset). */
  tenantId?: string;
}

export function createProviderRegistry(settings: ProviderRegistrySettings): ProviderRegistry {
  const transport = createGraphTransport(settings);
  const watch = new DriveWatch(transport, settings.tenantId);
  return new StaticProviderRegistry({
    onedrive: new OneDriveProvider('onedrive', transport, watch),
    sharepoint: new OneDriveProvider('sharepoint', transport, watch),
  });
}
