// The ports of the sync engine: what a source provider and a token manager must offer. The engine,
// the sources API and the feed use only these; `shared/providers/<source>/` implements them.
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { ItemState } from '../domain/item-state.js';
import type { ChangePage, RemoteItem } from '../domain/remote-item.js';
import type { ResolvedLocation, SourceKey, SourceLocation, SourceRecord, SourceType } from '../domain/source.js';
import type { WatchSource } from './watch-source.js';

export type { ResolvedLocation } from '../domain/source.js';

/** The content facts a provider's rule compares. */
export type ContentFacts = Pick<ItemState, 'contentHash' | 'contentVersion' | 'size' | 'eTag'>;

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
  /** Validates the location a registration names (its output is stored as `SourceRecord.location`). */
  readonly locationSchema: z.ZodType<SourceLocation>;
  /**
   * Body fields older than `location` that the provider still accepts, and their mapping to a location
   * (undefined: the body has none of them). Lets a provider keep the request shape it started with.
   */
  readonly legacyLocationFields?: readonly string[];
  legacyLocation?(body: Readonly<Record<string, unknown>>): unknown;
  /**
   * Resolves a validated location to the provider's ids (discovery). Throws `NotFoundError` when it
   * does not exist or is not visible with the source's credentials.
   */
  resolveLocation(source: SourceKey, location: SourceLocation): Promise<ResolvedLocation>;
  /** The resolved location before any credentials exist (pending connect): what the location alone names. */
  unresolvedLocation(location: SourceLocation, previous?: ResolvedLocation): ResolvedLocation;
  /** Whether a resolution names a place (a pending source registered with `{ me: true }`, say, does not yet). */
  isResolved(location: ResolvedLocation): boolean;
  /** Whether two resolutions point at different places (a move: restart enumeration, give up the watch). */
  sameLocation(a: ResolvedLocation, b: ResolvedLocation): boolean;
  /** Checks that the connection works (the token is valid and the location is reachable). */
  validateConnection(source: SourceRecord): Promise<void>;
  /** The cursors the provider enumerates for this source, in order (e.g. `[DEFAULT_CURSOR]`, or one per channel). */
  cursorNames(source: SourceRecord): readonly string[];
  /**
   * One page of changes of the named cursor. `cursor` undefined starts a full enumeration. Throws
   * `CursorExpiredError` when the cursor can no longer be served; its `restartCursor` restarts it.
   */
  fetchChanges(source: SourceRecord, cursorName: string, cursor: string | undefined): Promise<ChangePage>;
  /** The provider's rule: did the content change between two states of an item (hash, revision, …)? */
  contentChanged(before: ContentFacts, after: ContentFacts): boolean;
  /** Every item below a folder (for a folder moved into scope); streamed page by page. */
  listSubtree(source: SourceRecord, folderId: string): AsyncIterable<RemoteItem[]>;
  downloadContent(source: SourceRecord, itemId: string, request: ContentRequest): Promise<ContentResponse>;
  /** How the provider pushes changes (ports/watch-source.ts); absent when its sources can only be polled. */
  readonly watch?: WatchSource;
  /** The files attached to an item (a mail's attachments); absent when the provider's items have none. */
  readonly attachments?: AttachmentSource;
}

/** One file attached to an item. */
export interface AttachmentInfo {
  id: string;
  name: string;
  contentType: string;
  size?: number;
  /** Shown in the body (an embedded image) rather than listed. */
  isInline: boolean;
}

export interface AttachmentSource {
  list(source: SourceRecord, itemId: string): Promise<AttachmentInfo[]>;
  download(
    source: SourceRecord,
    itemId: string,
    attachmentId: string,
    request: ContentRequest,
  ): Promise<ContentResponse>;
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
  /** The source's type: its OAuth client serves the grant (omitted: the manager's default client). */
  sourceType?: string;
  /** Provider-specific fields (e.g. the directory of the grant), validated by the source type's OAuth client. */
  [providerField: string]: unknown;
}

export interface ProviderRegistry {
  get(type: SourceType): SyncProvider;
}
