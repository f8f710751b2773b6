// The SyncProvider for OneDrive (personal and Business) and SharePoint document libraries, over
// Microsoft Graph. The only place that knows the source is Graph; each operation lives in its own
// file beside this one.
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import type { DriveSelector, FolderScope, SourceKey, SourceRecord, SourceType } from '../../../core/domain/source.js';
import type {
  ContentRequest,
  ContentResponse,
  ResolvedLocation,
  SyncProvider,
  TokenManager,
} from '../../../core/ports/provider-ports.js';
import type { WatchSource } from '../../../core/ports/watch-source.js';
import { downloadContent } from './content-download.js';
import { fetchDeltaPage } from './delta-changes.js';
import { getDrive, resolveLocation } from './drive-discovery.js';
import { createGraphClient, type GraphClientOptions } from '../graph/graph-client.js';
import { graphPaths } from './graph-paths.js';
import { GraphTransport } from '../graph/graph-transport.js';
import { listSubtree } from './subtree-listing.js';

export interface OneDriveProviderOptions extends GraphClientOptions {
  tokens: TokenManager;
}

export class OneDriveProvider implements SyncProvider {
  /** Graph can serve any file's bytes; the engine applies the source's own filters. */
  readonly supportedFileTypes = 'any' as const;

  constructor(
    readonly type: SourceType,
    private readonly transport: GraphTransport,
    /** Graph subscriptions on the drive (drive-watch.ts). */
    readonly watch: WatchSource,
  ) {}

  resolveLocation(source: SourceKey, drive: DriveSelector, scope?: FolderScope): Promise<ResolvedLocation> {
    return resolveLocation(this.transport, source, drive, scope);
  }

  async validateConnection(source: SourceRecord): Promise<void> {
    // A drive that answers is enough; 404/403 surface as the same errors a sync would meet.
    await getDrive(this.transport, source, graphPaths.drive(source.driveId), 'drive', 'source');
  }

  fetchChanges(source: SourceRecord, cursor: string | undefined): Promise<ChangePage> {
    return fetchDeltaPage(this.transport, source, cursor);
  }

  listSubtree(source: SourceRecord, folderId: string): AsyncIterable<RemoteItem[]> {
    return listSubtree(this.transport, source, folderId);
  }

  downloadContent(source: SourceRecord, itemId: string, request: ContentRequest): Promise<ContentResponse> {
    return downloadContent(this.transport, source, itemId, request);
  }
}

/** The transport (one Graph client for the process) that providers of several source types share. */
export function createGraphTransport(options: OneDriveProviderOptions): GraphTransport {
  return new GraphTransport(createGraphClient(options), options.tokens, options.graphBaseUrl);
}
