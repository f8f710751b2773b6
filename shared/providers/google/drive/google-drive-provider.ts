// The SyncProvider for Google Drive (My Drive and shared drives), over the Drive API v3 with Google's
// own client. The only place that knows the source is Google Drive; each operation lives in its own
// file beside this one (docs/provider-google.md).
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import {
  DEFAULT_CURSOR,
  type ResolvedLocation,
  type SourceKey,
  type SourceLocation,
  type SourceRecord,
} from '../../../core/domain/source.js';
import type {
  ContentFacts,
  ContentRequest,
  ContentResponse,
  SyncProvider,
} from '../../../core/ports/provider-ports.js';
import type { DriveApi } from '../drive-api/drive-api.js';
import { fetchDrivePage } from './drive-changes.js';
import { downloadGoogleContent } from './drive-content.js';
import { googleContentChanged } from './drive-content-rule.js';
import { resolveGoogleDrive } from './drive-discovery.js';
import { listGoogleSubtree } from './drive-subtree.js';
import {
  googleDriveLocationSchema,
  googleDriveOf,
  unresolvedGoogleDrive,
  type GoogleDriveLocation,
} from './google-drive-location.js';
import { GoogleDriveWatch } from './google-drive-watch.js';

export const GOOGLE_DRIVE_SOURCE_TYPE = 'google_drive';
const CURSOR_NAMES = [DEFAULT_CURSOR] as const;

export class GoogleDriveProvider implements SyncProvider {
  readonly type = GOOGLE_DRIVE_SOURCE_TYPE;
  readonly supportedFileTypes = 'any' as const;
  readonly locationSchema = googleDriveLocationSchema;
  readonly watch: GoogleDriveWatch;

  constructor(
    private readonly api: DriveApi,
    options: { watchMaxLifetimeMs?: number } = {},
  ) {
    this.watch = new GoogleDriveWatch(api, options.watchMaxLifetimeMs);
  }

  resolveLocation(source: SourceKey, location: SourceLocation): Promise<ResolvedLocation> {
    return resolveGoogleDrive(this.api, source, location as GoogleDriveLocation);
  }

  unresolvedLocation(location: SourceLocation, previous?: ResolvedLocation): ResolvedLocation {
    return unresolvedGoogleDrive(location as GoogleDriveLocation, previous);
  }

  isResolved(location: ResolvedLocation): boolean {
    return googleDriveOf({ resolvedLocation: location }).rootId !== '';
  }

  sameLocation(a: ResolvedLocation, b: ResolvedLocation): boolean {
    return googleDriveOf({ resolvedLocation: a }).rootId === googleDriveOf({ resolvedLocation: b }).rootId;
  }

  async validateConnection(source: SourceRecord): Promise<void> {
    await resolveGoogleDrive(this.api, source, source.location as GoogleDriveLocation);
  }

  cursorNames(): readonly string[] {
    return CURSOR_NAMES;
  }

  fetchChanges(source: SourceRecord, _cursorName: string, cursor: string | undefined): Promise<ChangePage> {
    return fetchDrivePage(this.api, source, cursor);
  }

  contentChanged(before: ContentFacts, after: ContentFacts): boolean {
    return googleContentChanged(before, after);
  }

  listSubtree(source: SourceRecord, folderId: string): AsyncIterable<RemoteItem[]> {
    return listGoogleSubtree(this.api, source, folderId);
  }

  downloadContent(source: SourceRecord, itemId: string, request: ContentRequest): Promise<ContentResponse> {
    return downloadGoogleContent(this.api, source, itemId, request);
  }
}
