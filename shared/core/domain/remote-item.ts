// A provider-neutral view of one item as a source reports it in a change page. Providers map their
// wire format into this; the sync engine knows nothing else.

/** A file (has bytes to download) or a message (mail, chat post: its text is the content). */
export type ItemKind = 'file' | 'message';

/** A content hash and the algorithm that made it (the provider's name for it, e.g. `quickXorHash`, `sha256`). */
export interface ContentHash {
  algorithm: string;
  value: string;
}

/** What a message carries besides a file's fields (docs/api.md, message events). */
export interface MessageFields {
  /** The conversation (thread, channel) the message belongs to. */
  conversationId: string;
  from?: string;
  subject?: string;
  sentDateTime?: string;
  receivedDateTime?: string;
  /** The RFC 5322 Message-ID (mail). */
  internetMessageId?: string;
  toCount?: number;
  ccCount?: number;
  hasAttachments?: boolean;
  isDraft?: boolean;
}

export interface RemoteItem {
  /** Unique within the source, across all of its cursors. */
  id: string;
  kind: ItemKind;
  /** Absent on some deletes (docs/graph-behaviour.md §1 for one provider that omits it). */
  name?: string;
  /** Parent item id; absent for the root, and for every item of a flat source (no folders). */
  parentId?: string;
  isFolder: boolean;
  isRoot: boolean;
  deleted: boolean;
  size?: number;
  mimeType?: string;
  /** The provider's content hash; may be missing at first and filled in later. */
  contentHash?: ContentHash;
  /**
   * Other content facts the provider's rule compares (more hashes, a content tag or revision);
   * provider-owned names, only the provider reads them (`SyncProvider.contentChanged`).
   */
  contentVersion?: Record<string, string>;
  /** Version of the whole item (metadata too); changes on a rename. */
  eTag?: string;
  lastModifiedDateTime?: string;
  webUrl?: string;
  /** Set on messages. */
  message?: MessageFields;
  /**
   * The cursor that enumerates this item, when it is not the one whose page returned it (a message
   * moved into another folder, reported by the folder it left). Reconcile after a resync looks for an
   * item under this cursor. Absent: the cursor of the page.
   */
  cursorName?: string;
}

/** One page of changes from a cursor. Exactly one of nextCursor / finalCursor is set. */
export interface ChangePage {
  items: RemoteItem[];
  /**
   * Cursors this page discovered (a mail folder created or moved into scope): the engine adds them to
   * the source's cursors, saved with this page's cursor, and enumerates them later in the same run.
   */
  cursorsAdded?: string[];
  /**
   * Cursors this page retired (a folder deleted or moved out of scope), possibly the page's own: the
   * engine forgets them. Their items are not touched: the page says what happened to them (a folder's
   * delete, a move out of scope).
   */
  cursorsRemoved?: string[];
  /** More pages follow: store it, then ask again from it. */
  nextCursor?: string;
  /** The enumeration is complete: store it and use it for the next incremental sync. */
  finalCursor?: string;
}
