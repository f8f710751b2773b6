// One page of a Google Drive source's enumeration (drive-cursor.ts): with no cursor, the change log
// position first (changes.getStartPageToken), then the crawl (files.list, pages of 1,000, only the
// fields we map), then the change log (changes.list, includeRemoved). A rejected page token restarts
// the enumeration with a reconciling crawl (CursorExpiredError with no restart cursor), as Graph's 410
// does. References: https://developers.google.com/workspace/drive/api/guides/manage-changes,
// https://developers.google.com/workspace/drive/api/reference/rest/v3/changes/list,
// https://developers.google.com/workspace/drive/api/reference/rest/v3/files/list.
import { z } from 'zod';
import { CursorExpiredError } from '../../../core/domain/errors.js';
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import type { SourceRecord } from '../../../core/domain/source.js';
import type { DriveApi } from '../drive-api/drive-api.js';
import { isRejectedPageToken } from '../drive-api/drive-failure.js';
import { decodeCursor, encodeCursor, type DriveCursor } from './drive-cursor.js';
import { driveFileSchema, FILE_FIELDS, FOLDER_MIME_TYPE, removedItem, toRemoteItem } from './drive-file-mapping.js';
import { googleDriveOf, type ResolvedGoogleDrive } from './google-drive-location.js';

export const PAGE_SIZE = 1000;

const startTokenSchema = z.object({ startPageToken: z.string().min(1) });
const fileListSchema = z.object({ nextPageToken: z.string().optional(), files: z.array(driveFileSchema).default([]) });
const changeListSchema = z.object({
  nextPageToken: z.string().optional(),
  newStartPageToken: z.string().optional(),
  changes: z
    .array(
      z.object({
        fileId: z.string().min(1).optional(),
        removed: z.boolean().optional(),
        driveId: z.string().optional(),
        changeType: z.string().optional(),
        file: driveFileSchema.optional(),
      }),
    )
    .default([]),
});

/** The drive selection parameters of files.list / changes.list for this source. */
export function driveParams(drive: ResolvedGoogleDrive) {
  return drive.sharedDriveId
    ? { driveId: drive.sharedDriveId, supportsAllDrives: true, includeItemsFromAllDrives: true }
    : { supportsAllDrives: true, includeItemsFromAllDrives: false };
}

const rejectedToken = (failure: Parameters<typeof isRejectedPageToken>[0]) =>
  isRejectedPageToken(failure) ? new CursorExpiredError(undefined) : undefined;

export async function fetchDrivePage(
  api: DriveApi,
  source: SourceRecord,
  value: string | undefined,
): Promise<ChangePage> {
  const drive = googleDriveOf(source);
  const cursor: DriveCursor | undefined = value === undefined ? undefined : decodeCursor(value);
  if (value !== undefined && cursor === undefined) throw new CursorExpiredError(undefined);
  if (!cursor) {
    // The position comes first: whatever changes while we crawl is in the log after it.
    const { startPageToken } = await api.json(
      source,
      'the start page token',
      (options) =>
        api.client.changes.getStartPageToken(
          drive.sharedDriveId ? { driveId: drive.sharedDriveId, supportsAllDrives: true } : {},
          options,
        ),
      startTokenSchema,
    );
    return crawlPage(api, source, drive, { v: 1, phase: 'crawl', start: startPageToken });
  }
  if (cursor.phase === 'crawl') return crawlPage(api, source, drive, cursor);
  return changesPage(api, source, drive, cursor.page);
}

async function crawlPage(
  api: DriveApi,
  source: SourceRecord,
  drive: ResolvedGoogleDrive,
  cursor: Extract<DriveCursor, { phase: 'crawl' }>,
): Promise<ChangePage> {
  const list = await api.json(
    source,
    'the file list',
    (options) =>
      api.client.files.list(
        {
          ...driveParams(drive),
          corpora: drive.sharedDriveId ? 'drive' : 'user',
          q: 'trashed = false',
          pageSize: PAGE_SIZE,
          fields: `nextPageToken,files(${FILE_FIELDS})`,
          ...(cursor.page ? { pageToken: cursor.page } : {}),
        },
        options,
      ),
    fileListSchema,
    rejectedToken,
  );
  // files.list never returns the root folder itself; the engine needs it first, to hang the rest on.
  const items: RemoteItem[] = cursor.page ? [] : [rootItem(drive)];
  for (const file of list.files) if (belongs(drive, file.driveId)) items.push(toRemoteItem(file, drive.rootId));
  if (list.nextPageToken) return { items, nextCursor: encodeCursor({ ...cursor, page: list.nextPageToken }) };
  // Crawl done: follow the change log from where it stood before the crawl.
  return { items, nextCursor: encodeCursor({ v: 1, phase: 'changes', page: cursor.start }) };
}

async function changesPage(
  api: DriveApi,
  source: SourceRecord,
  drive: ResolvedGoogleDrive,
  page: string,
): Promise<ChangePage> {
  const list = await api.json(
    source,
    'the change list',
    (options) =>
      api.client.changes.list(
        {
          ...driveParams(drive),
          pageToken: page,
          pageSize: PAGE_SIZE,
          includeRemoved: true,
          // My Drive sources follow the My Drive hierarchy only (not shared-with-me files).
          ...(drive.sharedDriveId ? {} : { restrictToMyDrive: true }),
          fields: `nextPageToken,newStartPageToken,changes(fileId,removed,driveId,changeType,file(${FILE_FIELDS}))`,
        },
        options,
      ),
    changeListSchema,
    rejectedToken,
  );
  const items: RemoteItem[] = [];
  for (const change of list.changes) {
    if (change.changeType !== undefined && change.changeType !== 'file') continue; // shared drive metadata changes
    if (!change.fileId) continue;
    if (change.removed || !change.file) items.push(removedItem(change.fileId));
    else if (belongs(drive, change.file.driveId)) items.push(toRemoteItem(change.file, drive.rootId));
  }
  if (list.nextPageToken)
    return { items, nextCursor: encodeCursor({ v: 1, phase: 'changes', page: list.nextPageToken }) };
  // newStartPageToken comes only on the last page.
  if (!list.newStartPageToken) throw new CursorExpiredError(undefined);
  return { items, finalCursor: encodeCursor({ v: 1, phase: 'changes', page: list.newStartPageToken }) };
}

/** Only items of the source's own drive (a My Drive listing must not take shared drive items). */
function belongs(drive: ResolvedGoogleDrive, driveId: string | undefined): boolean {
  return drive.sharedDriveId ? driveId === drive.sharedDriveId : driveId === undefined;
}

function rootItem(drive: ResolvedGoogleDrive): RemoteItem {
  return {
    id: drive.rootId,
    kind: 'file',
    name: '',
    isFolder: true,
    isRoot: true,
    deleted: false,
    mimeType: FOLDER_MIME_TYPE,
  };
}
