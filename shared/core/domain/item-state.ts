// What we remember about each item of a source between syncs. Paths are derived from our own
// tree, because change feeds need not return paths nor the descendants of a renamed folder
// (docs/graph-behaviour.md §1 for one that does neither).
import type { ContentHash, ItemKind, MessageFields } from './remote-item.js';

export interface ItemState {
  id: string;
  /** Absent on rows stored before items had kinds: those are files. */
  kind?: ItemKind;
  /** The named cursor that reported the item; absent for `DEFAULT_CURSOR`. */
  cursorName?: string;
  parentId?: string;
  name?: string;
  isFolder: boolean;
  isRoot: boolean;
  /** Path from the source's root ('' for the root, '/Docs/a.txt' below it); undefined while pending. */
  path?: string;
  /** Inside the source's folder scope (always true for an unscoped source once resolved). */
  inScope: boolean;
  /** A file the host sees: in scope and passing the source's filters. */
  included: boolean;
  /** Parent not known yet (children may arrive before parents); resolved when it arrives. */
  pending: boolean;
  /** While pending: the parent we wait for, the newest remote state, and what the host last saw (JSON). */
  pendingParentId?: string;
  pendingRemote?: string;
  pendingBase?: string;
  eTag?: string;
  contentHash?: ContentHash;
  contentVersion?: Record<string, string>;
  message?: MessageFields;
  size?: number;
  mimeType?: string;
  lastModifiedDateTime?: string;
  webUrl?: string;
  /** The resync run that last saw the item (items not seen by a resync are deleted at its end). */
  seenRun?: string;
  /** The round (SourceRecord.roundStartedAt) in which the host was last told the bytes changed. */
  contentChangedRound?: string;
  /** Deleted in a run whose deletes are held by the mass-delete guard. */
  deleteHeld?: boolean;
}
