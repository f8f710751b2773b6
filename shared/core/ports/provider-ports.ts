// The ports of the sync engine: what a source provider and a token manager must offer. The engine,
// the sources API and the feed use only these; `shared/providers/<source>/` implements them.
import type { Readable } from 'node:stream';
import type { ChangePage, RemoteItem } from '../domain/remote-item.js';
import type { DriveSelector, FolderScope, SourceKey, SourceRecord, SourceType } from '../domain/source.js';
import type { WatchSource } from './watch-source.js';

/** A source provider's answer to "where is this drive and folder" at registration. */
export interface ResolvedLocation {
  driveId: string;
  driveType: 'personal' | 'business';
  scopeItemId?: string;
}

export interface ContentRequest {
  range?: string;
  ifNoneMatch?: string;
  signal?: AbortSignal;
}

export interface ContentResponse {
  status: 200 | 206 | 304 | 416;
  headers: Record<string, string>;
  body?: Readable;
}

export interface SyncProvider {
  readonly type: SourceType;
  /** File extensions this provider can deliver content for, or 'any'. */
  readonly supportedFileTypes: readonly string[] | 'any';
  /** Resolves a drive selector and optional folder scope to ids (discovery). */
  resolveLocation(source: SourceKey, drive: DriveSelector, scope?: FolderScope): Promise<ResolvedLocation>;
  /** Checks that the connection works (the token is valid and the drive is reachable). */
  validateConnection(source: SourceRecord): Promise<void>;
  /**
   * One page of changes. `cursor` undefined starts a full enumeration. Throws `CursorExpiredError`
   * when the cursor can no longer be served (Graph 410); its `restartCursor` restarts enumeration.
   */
  fetchChanges(source: SourceRecord, cursor: string | undefined): Promise<ChangePage>;
  /** Every item below a folder (for a folder moved into scope); streamed page by page. */
  listSubtree(source: SourceRecord, folderId: string): AsyncIterable<RemoteItem[]>;
  downloadContent(source: SourceRecord, itemId: string, request: ContentRequest): Promise<ContentResponse>;
  /** How the provider pushes changes (ports/watch-source.ts); absent when its sources can only be polled. */
  readonly watch?: WatchSource;
}

/** Gets access tokens for a source; the engine never sees refresh tokens or secrets. */
export interface TokenManager {
  /** A valid access token for the source's provider API; throws `ReauthRequiredError` when the grant is gone. */
  getAccessToken(source: SourceKey): Promise<string>;
  /**
   * The provider API refused `accessToken` before it expired (revoked by continuous access
   * evaluation, say): forget it, so the next getAccessToken gets a new one. Does nothing when the
   * source's token is another one by now (a concurrent caller already got a fresh one).
   */
  invalidateAccessToken(source: SourceKey, accessToken: string): Promise<void>;
  /** Stores a grant obtained elsewhere (connect flow, or a refresh token given at registration). */
  storeGrant(source: SourceKey, grant: StoredGrantInput): Promise<void>;
  /** Removes every credential of the source. */
  revoke(source: SourceKey): Promise<void>;
}

export interface StoredGrantInput {
  refreshToken: string;
  scopes?: string[];
  /** Provider-specific fields (e.g. the directory of the grant), validated by the source type's OAuth client. */
  [providerField: string]: unknown;
}

export interface ProviderRegistry {
  get(type: SourceType): SyncProvider;
}
