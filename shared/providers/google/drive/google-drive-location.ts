// Where a Google Drive source reads: My Drive or one shared drive, optionally one folder of it (by id
// or by path), and how Docs Editors files are exported. Stored as `SourceRecord.location`; discovery
// resolves it to ids (`resolvedLocation`).
import { z } from 'zod';
import type { ResolvedLocation, SourceRecord } from '../../../core/domain/source.js';

/** Drive file and shared drive ids: URL-safe base64-ish strings. */
export const driveFileIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'a Drive file or shared drive id');

/** How Docs, Sheets and Slides are exported: Office formats (docx/xlsx/pptx) or PDF. */
export const EXPORT_FORMATS = ['office', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const folderFields = {
  folderId: driveFileIdSchema.optional(),
  /** "/Projects/2026": folder names from the drive's root, matched exactly (Drive allows duplicates: the first wins). */
  folderPath: z
    .string()
    .min(1)
    .max(1024)
    .startsWith('/', 'an absolute path such as /Projects/2026')
    .refine((path) => ![...path].some((char) => char < ' '), 'no control characters')
    .optional(),
  exportFormat: z.enum(EXPORT_FORMATS).default('office'),
};

export const googleDriveLocationSchema = z
  .union([
    z.object({ myDrive: z.literal(true), ...folderFields }).strict(),
    z.object({ sharedDriveId: driveFileIdSchema, ...folderFields }).strict(),
  ])
  .refine((location) => !(location.folderId && location.folderPath), {
    message: 'give folderId or folderPath, not both',
    path: ['folderPath'],
  });
export type GoogleDriveLocation = z.output<typeof googleDriveLocationSchema>;

/** Stored as `resolvedLocation`: the drive's root folder id ('' until resolved) and the scope folder. */
export interface ResolvedGoogleDrive extends ResolvedLocation {
  /** Absent for My Drive. */
  sharedDriveId?: string;
  rootId: string;
  scopeItemId?: string;
  exportFormat: ExportFormat;
}

export function googleDriveOf(source: Pick<SourceRecord, 'resolvedLocation'>): ResolvedGoogleDrive {
  const resolved = source.resolvedLocation as Partial<ResolvedGoogleDrive>;
  return {
    ...resolved,
    rootId: typeof resolved.rootId === 'string' ? resolved.rootId : '',
    exportFormat: resolved.exportFormat === 'pdf' ? 'pdf' : 'office',
  };
}

/** What a location names before any call: a shared drive's root is its id; My Drive's root needs a call. */
export function unresolvedGoogleDrive(location: GoogleDriveLocation, previous?: ResolvedLocation): ResolvedGoogleDrive {
  const known = previous ? googleDriveOf({ resolvedLocation: previous }) : undefined;
  const sharedDriveId = 'sharedDriveId' in location ? location.sharedDriveId : undefined;
  return {
    ...(sharedDriveId ? { sharedDriveId } : {}),
    rootId: sharedDriveId ?? (known?.sharedDriveId === undefined ? (known?.rootId ?? '') : ''),
    ...(location.folderId ? { scopeItemId: location.folderId } : {}),
    exportFormat: location.exportFormat,
  };
}
