// Graph driveItem → provider-neutral RemoteItem. Missing fields stay missing (never invented):
// Business deletes have no name/cTag, personal deletes no size, hashes can arrive later
// (docs/graph-behaviour.md §1), and the engine decides what an absent value means.
import type { RemoteItem } from '../../../core/domain/remote-item.js';
import type { GraphDriveItem } from './graph-schemas.js';

/**
 * The properties every delta and children request asks for. `deleted` must be named: a $select
 * without it strips the deleted facet (docs/graph-behaviour.md §1); `id` is always returned anyway.
 */
export const DRIVE_ITEM_SELECT = [
  'id',
  'name',
  'size',
  'eTag',
  'cTag',
  'lastModifiedDateTime',
  'webUrl',
  'parentReference',
  'file',
  'folder',
  'root',
  'deleted',
].join(',');

/** A facet (`folder`, `root`, `deleted`…) counts when present, even as `{}`; null means absent. */
export function hasFacet(facet: object | null | undefined): facet is object {
  return facet !== undefined && facet !== null;
}

export function toRemoteItem(item: GraphDriveItem): RemoteItem {
  const remote: RemoteItem = {
    id: item.id,
    kind: 'file',
    isFolder: hasFacet(item.folder),
    isRoot: hasFacet(item.root),
    deleted: hasFacet(item.deleted),
  };
  const hashes = item.file?.hashes;
  setIfPresent(remote, 'name', item.name);
  // The root's parentReference names the drive but no parent item.
  setIfPresent(remote, 'parentId', hasFacet(item.root) ? undefined : item.parentReference?.id);
  setIfPresent(remote, 'size', item.size);
  setIfPresent(remote, 'mimeType', item.file?.mimeType);
  if (hashes?.quickXorHash) remote.contentHash = { algorithm: 'quickXorHash', value: hashes.quickXorHash };
  const version = contentVersionOf(hashes?.sha1Hash, item.cTag);
  if (version) remote.contentVersion = version;
  setIfPresent(remote, 'eTag', item.eTag);
  setIfPresent(remote, 'lastModifiedDateTime', item.lastModifiedDateTime);
  setIfPresent(remote, 'webUrl', item.webUrl);
  return remote;
}

/** The content facts besides quickXorHash that drive-content-version.ts compares. */
function contentVersionOf(
  sha1Hash: string | null | undefined,
  cTag: string | null | undefined,
): Record<string, string> | undefined {
  const version: Record<string, string> = {};
  if (sha1Hash) version.sha1Hash = sha1Hash;
  if (cTag) version.cTag = cTag;
  return Object.keys(version).length > 0 ? version : undefined;
}

// Keeps RemoteItem free of `undefined`/`null` keys, so stored and compared items are canonical.
function setIfPresent<K extends keyof RemoteItem>(
  target: RemoteItem,
  key: K,
  value: RemoteItem[K] | null | undefined,
): void {
  if (value !== undefined && value !== null && value !== '') target[key] = value;
}
