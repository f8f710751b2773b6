// Every item below a folder (for a folder moved into a scoped source's folder): breadth first, one
// files.list query per folder (`'<id>' in parents and trashed = false`), page by page.
import { z } from 'zod';
import type { RemoteItem } from '../../../core/domain/remote-item.js';
import type { SourceRecord } from '../../../core/domain/source.js';
import type { DriveApi } from '../drive-api/drive-api.js';
import { driveFileSchema, FILE_FIELDS, toRemoteItem } from './drive-file-mapping.js';
import { driveParams, PAGE_SIZE } from './drive-changes.js';
import { googleDriveOf } from './google-drive-location.js';

const pageSchema = z.object({ nextPageToken: z.string().optional(), files: z.array(driveFileSchema).default([]) });

export async function* listGoogleSubtree(
  api: DriveApi,
  source: SourceRecord,
  folderId: string,
): AsyncIterable<RemoteItem[]> {
  const drive = googleDriveOf(source);
  const folders = [folderId];
  while (folders.length > 0) {
    const parent = folders.shift()!;
    let pageToken: string | undefined;
    do {
      const page = await api.json(
        source,
        'the folder listing',
        (options) =>
          api.client.files.list(
            {
              ...driveParams(drive),
              ...(drive.sharedDriveId ? { corpora: 'drive' } : {}),
              q: `'${parent}' in parents and trashed = false`,
              pageSize: PAGE_SIZE,
              fields: `nextPageToken,files(${FILE_FIELDS})`,
              ...(pageToken ? { pageToken } : {}),
            },
            options,
          ),
        pageSchema,
      );
      const items = page.files.map((file) => toRemoteItem(file, drive.rootId));
      for (const item of items) if (item.isFolder) folders.push(item.id);
      if (items.length > 0) yield items;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }
}
