// Where a OneDrive / SharePoint source reads: a drive selector and an optional folder of it (the
// provider's `locationSchema`), and what discovery resolves it to (the source's `resolvedLocation`).
import { z } from 'zod';
import type { ResolvedLocation, SourceRecord } from '../../../core/domain/source.js';
import { drivePathSchema, graphIdSchema, graphSiteIdSchema, graphUserIdSchema } from './graph-ids.js';

export const driveSelectorSchema = z.union([
  z.object({ driveId: graphIdSchema }).strict(),
  // libraryName is matched against the site's drive list, never put in a URL.
  z.object({ siteId: graphSiteIdSchema, libraryName: z.string().min(1).max(256).optional() }).strict(),
  z.object({ userId: graphUserIdSchema }).strict(),
  z.object({ me: z.literal(true) }).strict(),
]);
export type DriveSelector = z.infer<typeof driveSelectorSchema>;

export const folderScopeSchema = z.union([
  z.object({ itemId: graphIdSchema }).strict(),
  z.object({ path: drivePathSchema }).strict(),
]);
export type FolderScope = z.infer<typeof folderScopeSchema>;

/** Stored as `SourceRecord.location`; `scope` is null for the whole drive (the status view shows it so). */
export const driveLocationSchema = z
  .object({ drive: driveSelectorSchema, scope: folderScopeSchema.nullish().transform((scope) => scope ?? null) })
  .strict();
export type DriveLocation = z.output<typeof driveLocationSchema>;

export type DriveType = 'personal' | 'business';

/** Stored as `SourceRecord.resolvedLocation` (the field names the status view has always shown). */
export interface ResolvedDrive extends ResolvedLocation {
  driveId: string;
  driveType: DriveType;
  scopeItemId?: string;
}

/** The registration body fields that named the location before `location` existed. */
export const LEGACY_DRIVE_LOCATION_FIELDS = ['drive', 'scope'] as const;

/** Those fields as a location (undefined when the body has neither). */
export function legacyDriveLocation(body: Readonly<Record<string, unknown>>): unknown {
  if (body.drive === undefined && body.scope === undefined) return undefined;
  return { drive: body.drive, ...(body.scope === undefined ? {} : { scope: body.scope }) };
}

/** The drive a source reads (set at registration; '' while a pending source waits for its first connect). */
export function driveOf(source: Pick<SourceRecord, 'resolvedLocation'>): ResolvedDrive {
  const resolved = source.resolvedLocation as Partial<ResolvedDrive>;
  return {
    ...resolved,
    driveId: typeof resolved.driveId === 'string' ? resolved.driveId : '',
    driveType: resolved.driveType === 'personal' ? 'personal' : 'business',
  };
}

/** What a location names before discovery can run: a driveId given outright, or what was known before. */
export function unresolvedDrive(location: DriveLocation, previous?: ResolvedLocation): ResolvedDrive {
  const known = previous ? driveOf({ resolvedLocation: previous }) : undefined;
  return {
    driveId: known?.driveId ?? ('driveId' in location.drive ? location.drive.driveId : ''),
    driveType: known?.driveType ?? 'business',
    ...(known?.scopeItemId ? { scopeItemId: known.scopeItemId } : {}),
  };
}
