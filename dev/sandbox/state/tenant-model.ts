// The records the simulated tenant keeps. Plain data: the HTTP layers turn them into Graph JSON.

/** Personal = OneDrive consumer; business = OneDrive for Business or a SharePoint document library. */
export type DriveKind = 'personal' | 'business';

export interface SandboxUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  driveId?: string;
}

export interface SandboxSite {
  id: string;
  displayName: string;
  driveIds: string[];
}

export interface DriveItemRecord {
  id: string;
  /** Stable GUID used in eTag/cTag, as Graph's tags embed a GUID. */
  guid: string;
  name: string;
  /** null only for the root. Kept on tombstones so item-scoped delta can place a deletion. */
  parentId: string | null;
  isFolder: boolean;
  content: Buffer | undefined;
  mimeType: string | undefined;
  quickXorHash: string | undefined;
  size: number;
  /** Bumped on any change (eTag); contentVersion only on content changes (cTag). */
  version: number;
  contentVersion: number;
  createdAt: number;
  modifiedAt: number;
  /** Sequence number of the drive change log entry of this item's latest change. */
  changeSeq: number;
  deleted: boolean;
}

export interface ChangeLogEntry {
  seq: number;
  time: number;
  itemId: string;
}

export interface DriveRecord {
  id: string;
  kind: DriveKind;
  name: string;
  ownerUserId: string | undefined;
  siteId: string | undefined;
  rootId: string;
  webUrl: string;
  createdAt: number;
  /** Live items and tombstones, in creation order. */
  items: Map<string, DriveItemRecord>;
  /** Live children of each folder. */
  children: Map<string, Set<string>>;
  /** Monotonic change sequence and its log (append-only, ascending seq and time). */
  seq: number;
  changeLog: ChangeLogEntry[];
  /** Bumped by "expire delta tokens": every token and cursor of an older generation answers 410. */
  tokenGeneration: number;
  nextItemNumber: number;
}

export interface DriveChangedEvent {
  driveId: string;
  seq: number;
  itemIds: string[];
}
