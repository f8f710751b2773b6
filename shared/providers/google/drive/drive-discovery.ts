// Resolves a Google Drive location to ids: My Drive's root folder (files.get on the alias `root`), a
// shared drive (drives.get), and the scope folder by id (files.get) or by path (one files.list per
// segment, `name = '…'` among the parent's folders). Unknown or invisible → NotFoundError.
import { z } from 'zod';
import { NotFoundError } from '../../../core/domain/errors.js';
import type { SourceKey } from '../../../core/domain/source.js';
import type { DriveApi } from '../drive-api/drive-api.js';
import { FOLDER_MIME_TYPE } from './drive-file-mapping.js';
import type { GoogleDriveLocation, ResolvedGoogleDrive } from './google-drive-location.js';

const idSchema = z.object({ id: z.string().min(1) });
const folderSchema = z.object({
  id: z.string().min(1),
  mimeType: z.string(),
  driveId: z.string().optional(),
  trashed: z.boolean().optional(),
});
const folderListSchema = z.object({ files: z.array(z.object({ id: z.string().min(1) })).default([]) });

export async function resolveGoogleDrive(
  api: DriveApi,
  source: SourceKey,
  location: GoogleDriveLocation,
): Promise<ResolvedGoogleDrive> {
  const sharedDriveId = 'sharedDriveId' in location ? location.sharedDriveId : undefined;
  const rootId = sharedDriveId
    ? (
        await api.json(
          source,
          'the shared drive',
          (options) => api.client.drives.get({ driveId: sharedDriveId, fields: 'id' }, options),
          idSchema,
        )
      ).id
    : (
        await api.json(
          source,
          'My Drive',
          (options) => api.client.files.get({ fileId: 'root', fields: 'id' }, options),
          idSchema,
        )
      ).id;
  const drive: ResolvedGoogleDrive = {
    ...(sharedDriveId ? { sharedDriveId } : {}),
    rootId,
    exportFormat: location.exportFormat,
  };
  if (location.folderId) return { ...drive, scopeItemId: await checkFolder(api, source, drive, location.folderId) };
  if (location.folderPath)
    return { ...drive, scopeItemId: await folderByPath(api, source, drive, location.folderPath) };
  return drive;
}

async function checkFolder(
  api: DriveApi,
  source: SourceKey,
  drive: ResolvedGoogleDrive,
  folderId: string,
): Promise<string> {
  const folder = await api.json(
    source,
    'the scope folder',
    (options) =>
      api.client.files.get(
        { fileId: folderId, supportsAllDrives: true, fields: 'id,mimeType,driveId,trashed' },
        options,
      ),
    folderSchema,
  );
  const inDrive = drive.sharedDriveId ? folder.driveId === drive.sharedDriveId : folder.driveId === undefined;
  if (folder.mimeType !== FOLDER_MIME_TYPE || folder.trashed || !inDrive) throw new NotFoundError('the scope folder');
  return folder.id;
}

async function folderByPath(
  api: DriveApi,
  source: SourceKey,
  drive: ResolvedGoogleDrive,
  path: string,
): Promise<string> {
  let parentId = drive.rootId;
  for (const name of path.split('/').filter(Boolean)) {
    const escaped = name.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const found = await api.json(
      source,
      'the scope folder',
      (options) =>
        api.client.files.list(
          {
            q: `'${parentId}' in parents and name = '${escaped}' and mimeType = '${FOLDER_MIME_TYPE}' and trashed = false`,
            ...(drive.sharedDriveId
              ? {
                  corpora: 'drive',
                  driveId: drive.sharedDriveId,
                  supportsAllDrives: true,
                  includeItemsFromAllDrives: true,
                }
              : {}),
            pageSize: 10,
            fields: 'files(id)',
          },
          options,
        ),
      folderListSchema,
    );
    const next = found.files[0];
    if (!next) throw new NotFoundError(`the folder ${path}`);
    parentId = next.id;
  }
  return parentId;
}
