// Turns drive and item records into Graph JSON (docs/graph-behaviour.md §1 and the driveItem resource
// doc), including what delta leaves out: Business omits cTag on create/modify and cTag and name
// on delete; personal omits cTag and size on delete; delta never sends parentReference.path.
import type { DriveItemRecord, DriveRecord, SandboxSite, SandboxUser } from '../state/tenant-model.js';

export interface ItemJsonOptions {
  inDelta: boolean;
  /** Parsed $select; undefined = all default properties. */
  select: Set<string> | undefined;
  downloadUrl: (item: DriveItemRecord) => string;
}

const DOWNLOAD_URL = '@microsoft.graph.downloadUrl';

export function graphDriveType(drive: DriveRecord): string {
  if (drive.kind === 'personal') return 'personal';
  return drive.siteId ? 'documentLibrary' : 'business';
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

export function driveJson(drive: DriveRecord, owner: SandboxUser | undefined): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: drive.id,
    driveType: graphDriveType(drive),
    name: drive.name,
    createdDateTime: iso(drive.createdAt),
    webUrl: drive.webUrl,
  };
  if (owner) json.owner = { user: { id: owner.id, displayName: owner.displayName } };
  return json;
}

export function siteJson(site: SandboxSite): Record<string, unknown> {
  return {
    id: site.id,
    displayName: site.displayName,
    name: site.displayName,
    webUrl: `https://sandbox.sharepoint.test/sites/${encodeURIComponent(site.displayName)}`,
  };
}

export function userJson(user: SandboxUser): Record<string, unknown> {
  return { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName };
}

/** parentReference.path outside delta: "/drives/{id}/root:/a/b". */
function parentPath(drive: DriveRecord, parentId: string): string {
  const names: string[] = [];
  for (let id: string | null = parentId; id !== null && id !== drive.rootId;) {
    const item: DriveItemRecord = drive.items.get(id)!;
    names.unshift(encodeURIComponent(item.name));
    id = item.parentId;
  }
  return `/drives/${drive.id}/root:${names.length ? '/' + names.join('/') : ''}`;
}

/**
 * Serialized delta JSON per item (UTF-8, off the JS heap), reused while the item is unchanged: a
 * full enumeration of a large drive is then mostly buffer copying, so the sandbox is never a
 * benchmark's bottleneck. The fields compared are everything the delta JSON depends on.
 */
interface CachedDeltaJson {
  version: number;
  contentVersion: number;
  deleted: boolean;
  parentId: string | null;
  childCount: number;
  json: Buffer;
}
const deltaJsonCache = new WeakMap<DriveItemRecord, CachedDeltaJson>();

export function deltaItemJsonBytes(drive: DriveRecord, item: DriveItemRecord, options: ItemJsonOptions): Buffer {
  if (options.select) return Buffer.from(JSON.stringify(itemJson(drive, item, options)));
  const childCount = item.isFolder ? (drive.children.get(item.id)?.size ?? 0) : 0;
  const cached = deltaJsonCache.get(item);
  if (
    cached &&
    cached.version === item.version &&
    cached.contentVersion === item.contentVersion &&
    cached.deleted === item.deleted &&
    cached.parentId === item.parentId &&
    cached.childCount === childCount
  ) {
    return cached.json;
  }
  const json = Buffer.from(JSON.stringify(itemJson(drive, item, options)));
  deltaJsonCache.set(item, {
    version: item.version,
    contentVersion: item.contentVersion,
    deleted: item.deleted,
    parentId: item.parentId,
    childCount,
    json,
  });
  return json;
}

export function itemJson(drive: DriveRecord, item: DriveItemRecord, options: ItemJsonOptions): Record<string, unknown> {
  const json = item.deleted ? deletedItemJson(drive, item) : liveItemJson(drive, item, options);
  if (!options.select) return json;
  const selected: Record<string, unknown> = { id: item.id };
  for (const key of options.select) {
    if (key in json) selected[key] = json[key];
  }
  // downloadUrl must be named explicitly (§1); computed only when asked.
  if (options.select.has(DOWNLOAD_URL) && !item.deleted && !item.isFolder)
    selected[DOWNLOAD_URL] = options.downloadUrl(item);
  return selected;
}

function liveItemJson(drive: DriveRecord, item: DriveItemRecord, options: ItemJsonOptions): Record<string, unknown> {
  const isBusiness = drive.kind === 'business';
  const driveType = graphDriveType(drive);
  const json: Record<string, unknown> = {
    id: item.id,
    name: item.name,
    eTag: `"{${item.guid}},${item.version}"`,
  };
  // Business never sends cTag for folders, nor in delta at all (§1).
  if (!(isBusiness && (options.inDelta || item.isFolder))) json.cTag = `"c:{${item.guid}},${item.contentVersion}"`;
  json.createdDateTime = iso(item.createdAt);
  json.lastModifiedDateTime = iso(item.modifiedAt);
  json.size = item.size;
  json.webUrl = `${drive.webUrl}/${item.isFolder ? 'Forms/AllItems.aspx?id=' : ''}${encodeURIComponent(item.name)}`;
  json.fileSystemInfo = { createdDateTime: iso(item.createdAt), lastModifiedDateTime: iso(item.modifiedAt) };
  if (item.parentId === null) {
    json.root = {};
    json.parentReference = { driveId: drive.id, driveType };
  } else {
    const parentReference: Record<string, unknown> = { driveId: drive.id, driveType, id: item.parentId };
    if (!options.inDelta) parentReference.path = parentPath(drive, item.parentId);
    json.parentReference = parentReference;
  }
  if (item.isFolder) {
    json.folder = { childCount: drive.children.get(item.id)?.size ?? 0 };
  } else {
    json.file = { mimeType: item.mimeType, hashes: { quickXorHash: item.quickXorHash } };
    // Outside delta a file GET carries its download URL; in delta only when $select names it.
    if (!options.inDelta && !options.select) json[DOWNLOAD_URL] = options.downloadUrl(item);
  }
  return json;
}

function deletedItemJson(drive: DriveRecord, item: DriveItemRecord): Record<string, unknown> {
  const json: Record<string, unknown> = { id: item.id };
  if (drive.kind === 'personal') json.name = item.name;
  json.eTag = `"{${item.guid}},${item.version}"`;
  if (drive.kind === 'business') json.size = item.size;
  json.lastModifiedDateTime = iso(item.modifiedAt);
  json.parentReference = { driveId: drive.id, driveType: graphDriveType(drive), id: item.parentId };
  json.deleted = { state: 'deleted' };
  if (item.isFolder) json.folder = {};
  else json.file = {};
  return json;
}
