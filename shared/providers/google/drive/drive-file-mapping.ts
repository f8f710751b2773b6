// Drive files as the engine's RemoteItem (https://developers.google.com/workspace/drive/api/reference/rest/v3/files).
// Only the fields listed in FILE_FIELDS are asked for (partial responses), and every answer is parsed.
import { z } from 'zod';
import type { RemoteItem } from '../../../core/domain/remote-item.js';

export const FOLDER_MIME_TYPE = 'application/vnd.google-apps.folder';
/** Docs Editors files: no bytes of their own; their content is an export. */
export const GOOGLE_APPS_PREFIX = 'application/vnd.google-apps.';

export const FILE_FIELDS =
  'id,name,mimeType,parents,trashed,md5Checksum,sha256Checksum,size,version,headRevisionId,modifiedTime,driveId,webViewLink';

export const driveFileSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  mimeType: z.string().optional(),
  parents: z.array(z.string()).optional(),
  trashed: z.boolean().optional(),
  md5Checksum: z.string().optional(),
  sha256Checksum: z.string().optional(),
  size: z.string().regex(/^\d+$/).optional(),
  version: z.string().optional(),
  headRevisionId: z.string().optional(),
  modifiedTime: z.string().optional(),
  driveId: z.string().optional(),
  webViewLink: z.string().optional(),
});
export type DriveFile = z.infer<typeof driveFileSchema>;

export function isNative(mimeType: string | undefined): boolean {
  return mimeType !== undefined && mimeType.startsWith(GOOGLE_APPS_PREFIX) && mimeType !== FOLDER_MIME_TYPE;
}

/**
 * A file as the engine sees it. A trashed file is deleted for the host (it is gone from the drive's
 * view; untrashing brings it back as a new upsert). My Drive items made before Drive's single-parent
 * model can have several parents: the first one places it (https://developers.google.com/workspace/drive/api/guides/ref-single-parent).
 */
export function toRemoteItem(file: DriveFile, rootId: string): RemoteItem {
  const isFolder = file.mimeType === FOLDER_MIME_TYPE;
  const native = isNative(file.mimeType);
  const hash = file.sha256Checksum
    ? { algorithm: 'sha256', value: file.sha256Checksum }
    : file.md5Checksum
      ? { algorithm: 'md5', value: file.md5Checksum }
      : undefined;
  const contentVersion: Record<string, string> = {};
  // Blobs change bytes with a new head revision; Docs Editors files have only `version`.
  if (file.headRevisionId) contentVersion.headRevisionId = file.headRevisionId;
  if (native && file.version) contentVersion.nativeVersion = file.version;
  return {
    id: file.id,
    kind: 'file',
    name: file.name,
    parentId: file.id === rootId ? undefined : file.parents?.[0],
    isFolder,
    isRoot: file.id === rootId,
    deleted: file.trashed === true,
    size: file.size === undefined ? undefined : Number(file.size),
    mimeType: file.mimeType,
    contentHash: hash,
    ...(Object.keys(contentVersion).length > 0 ? { contentVersion } : {}),
    eTag: file.version,
    lastModifiedDateTime: file.modifiedTime,
    webUrl: file.webViewLink,
  };
}

/** A change that removed the file for good (or it is no longer visible): a delete with only the id. */
export function removedItem(fileId: string): RemoteItem {
  return { id: fileId, kind: 'file', isFolder: false, isRoot: false, deleted: true };
}
