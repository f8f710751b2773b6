// A provider-neutral view of one item as a source reports it in a change page. Providers map their
// wire format (Graph driveItem, later others) into this; the sync engine knows nothing else.

export interface RemoteItem {
  id: string;
  /** Absent on some deletes (Business/SharePoint omit `name` on delete: docs/graph-behaviour.md §1). */
  name?: string;
  /** Parent item id; absent for the root. */
  parentId?: string;
  isFolder: boolean;
  isRoot: boolean;
  deleted: boolean;
  size?: number;
  mimeType?: string;
  /** Content hash; may be missing at first and filled in later (docs/graph-behaviour.md §1). */
  quickXorHash?: string;
  sha1Hash?: string;
  eTag?: string;
  /** Content tag; never present on Business drives in delta, so never relied on alone. */
  cTag?: string;
  lastModifiedDateTime?: string;
  webUrl?: string;
}

/** One page of changes from a cursor. Exactly one of nextCursor / finalCursor is set. */
export interface ChangePage {
  items: RemoteItem[];
  /** More pages follow: store it, then ask again from it. */
  nextCursor?: string;
  /** The enumeration is complete: store it and use it for the next incremental sync. */
  finalCursor?: string;
}
