// The files and changes resources as JSON (https://developers.google.com/workspace/drive/api/reference/rest/v3/files,
// …/v3/changes), and the fields each may be asked for.
import { FOLDER_MIME, md5, NATIVE_EXPORTS, sha256, type ChangeEntry, type DriveFile } from './drive-model.js';
import type { KnownFields } from './partial-response.js';

export function fileJson(file: DriveFile, baseUrl: string): Record<string, unknown> {
  const blob = file.content !== undefined;
  return {
    kind: 'drive#file',
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    // The roots have no parents.
    ...(file.isRoot ? {} : { parents: [...file.parents] }),
    trashed: file.trashed,
    explicitlyTrashed: file.explicitlyTrashed,
    version: String(file.version),
    createdTime: file.createdTime,
    modifiedTime: file.modifiedTime,
    ...(file.driveId ? { driveId: file.driveId } : {}),
    // Checksums, size and revision exist only for files with binary content.
    ...(blob
      ? {
          size: String(file.content!.length),
          md5Checksum: md5(file.content!),
          sha256Checksum: sha256(file.content!),
          headRevisionId: file.headRevisionId,
        }
      : {}),
    webViewLink:
      file.mimeType === FOLDER_MIME
        ? `${baseUrl}/drive/folders/${file.id}`
        : `${baseUrl}/${file.mimeType in NATIVE_EXPORTS ? 'document/d' : 'file/d'}/${file.id}/view`,
  };
}

export function changeJson(entry: ChangeEntry, file: DriveFile | undefined, baseUrl: string): Record<string, unknown> {
  return {
    kind: 'drive#change',
    changeType: 'file',
    time: entry.time,
    removed: file === undefined,
    fileId: entry.fileId,
    ...(entry.driveId ? { driveId: entry.driveId } : {}),
    ...(file ? { file: fileJson(file, baseUrl) } : {}),
  };
}

const FILE_FIELD_NAMES = [
  'kind',
  'id',
  'name',
  'mimeType',
  'parents',
  'trashed',
  'explicitlyTrashed',
  'version',
  'createdTime',
  'modifiedTime',
  'driveId',
  'size',
  'md5Checksum',
  'sha256Checksum',
  'headRevisionId',
  'webViewLink',
  // Real fields of the resource the sandbox does not model: selectable, never present.
  'description',
  'owners',
  'capabilities',
  'shortcutDetails',
  'exportLinks',
];
export const FILE_FIELDS: KnownFields = { fields: Object.fromEntries(FILE_FIELD_NAMES.map((name) => [name, true])) };
export const FILE_LIST_FIELDS: KnownFields = {
  fields: { kind: true, nextPageToken: true, incompleteSearch: true, files: FILE_FIELDS },
};
export const CHANGE_LIST_FIELDS: KnownFields = {
  fields: {
    kind: true,
    nextPageToken: true,
    newStartPageToken: true,
    changes: {
      fields: {
        kind: true,
        changeType: true,
        time: true,
        removed: true,
        fileId: true,
        driveId: true,
        file: FILE_FIELDS,
        drive: true,
      },
    },
  },
};

/** What Drive answers when `fields` is not given: a minimal set (so a client must ask for checksums). */
export const DEFAULT_FILE_FIELDS = 'kind,id,name,mimeType';
export const DEFAULT_FILE_LIST_FIELDS = 'kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)';
export const DEFAULT_CHANGE_LIST_FIELDS =
  'kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,driveId,file(kind,id,name,mimeType))';
