// The SyncProvider for OneDrive (personal and Business) and SharePoint document libraries, over
// Microsoft Graph. The only place that knows the source is Graph; each operation lives in its own
// file beside this one.
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import {
  DEFAULT_CURSOR,
  type ResolvedLocation,
  type SourceKey,
  type SourceLocation,
  type SourceRecord,
  type SourceType,
} from '../../../core/domain/source.js';
import type {
  ContentFacts,
  ContentRequest,
  ContentResponse,
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
import { driveContentChanged } from './drive-content-version.js';
import {
  driveLocationSchema,
  driveOf,
  LEGACY_DRIVE_LOCATION_FIELDS,
  legacyDriveLocation,
  unresolvedDrive,
  type DriveLocation,
} from './drive-location.js';

/** A drive has one delta enumeration per source. */
const CURSOR_NAMES = [DEFAULT_CURSOR] as const;

export interface OneDriveProviderOptions extends GraphClientOptions {
  tokens: TokenManager;
}

export class OneDriveProvider implements SyncProvider {
  /** Graph can serve any file's bytes; the engine applies the source's own filters. */
  readonly supportedFileTypes = 'any' as const;
  readonly locationSchema = driveLocationSchema;
  readonly legacyLocationFields = LEGACY_DRIVE_LOCATION_FIELDS;
  readonly legacyLocation = legacyDriveLocation;

  constructor(
    readonly type: SourceType,
    private readonly transport: GraphTransport,
    /** Graph subscriptions on the drive (drive-watch.ts). */
    readonly watch: WatchSource,
  ) {}

  resolveLocation(source: SourceKey, location: SourceLocation): Promise<ResolvedLocation> {
    // Validated by locationSchema at registration (or upgraded from a stored row).
    const { drive, scope } = location as DriveLocation;
    return resolveLocation(this.transport, source, drive, scope);
  }

  unresolvedLocation(location: SourceLocation, previous?: ResolvedLocation): ResolvedLocation {
    return unresolvedDrive(location as DriveLocation, previous);
  }

  isResolved(location: ResolvedLocation): boolean {
    return driveOf({ resolvedLocation: location }).driveId !== '';
  }

  sameLocation(a: ResolvedLocation, b: ResolvedLocation): boolean {
    return driveOf({ resolvedLocation: a }).driveId === driveOf({ resolvedLocation: b }).driveId;
  }

  async validateConnection(source: SourceRecord): Promise<void> {
    // A drive that answers is enough; 404/403 surface as the same errors a sync would meet.
    await getDrive(this.transport, source, graphPaths.drive(driveOf(source).driveId), 'drive', 'source');
  }

  cursorNames(): readonly string[] {
    return CURSOR_NAMES;
  }

  fetchChanges(source: SourceRecord, _cursorName: string, cursor: string | undefined): Promise<ChangePage> {
    return fetchDeltaPage(this.transport, source, cursor);
  }

  contentChanged(before: ContentFacts, after: ContentFacts): boolean {
    return driveContentChanged(before, after);
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
