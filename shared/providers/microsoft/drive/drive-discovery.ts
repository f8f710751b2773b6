// Discovery: from what the host gave at registration (a drive, a site and library, a user, "me")
// and an optional folder (by id or path) to the ids the engine stores.
import type { SourceKey } from '../../../core/domain/source.js';
import { NotFoundError } from '../../../core/domain/errors.js';
import type { DriveSelector, FolderScope, ResolvedDrive } from './drive-location.js';
import { hasFacet } from './drive-item-mapping.js';
import { graphPaths } from './graph-paths.js';
import { driveItemSchema, driveListSchema, driveSchema, type GraphDrive } from './graph-schemas.js';
import { readGraphJson, type GraphTransport } from '../graph/graph-transport.js';

/** Upper bound on pages of a site's drive list: sites have a handful of libraries, not thousands. */
const MAX_DRIVE_LIST_PAGES = 50;

/**
 * Graph's driveType: `personal` (OneDrive consumer), `business` (OneDrive for Business),
 * `documentLibrary` (SharePoint). Anything unknown is treated as business: its rules are the
 * stricter ones (root-only delta and subscriptions, no cTag in delta).
 */
export function driveKindOf(driveType: string): 'personal' | 'business' {
  return driveType === 'personal' ? 'personal' : 'business';
}

export async function resolveLocation(
  transport: GraphTransport,
  source: SourceKey,
  selector: DriveSelector,
  scope: FolderScope | null | undefined,
): Promise<ResolvedDrive> {
  const drive = await resolveDrive(transport, source, selector);
  const location: ResolvedDrive = { driveId: drive.id, driveType: driveKindOf(drive.driveType) };
  if (scope) {
    const scopeItemId = await resolveScopeFolder(transport, source, drive.id, scope);
    if (scopeItemId !== undefined) location.scopeItemId = scopeItemId;
  }
  return location;
}

async function resolveDrive(
  transport: GraphTransport,
  source: SourceKey,
  selector: DriveSelector,
): Promise<GraphDrive> {
  if ('driveId' in selector) return getDrive(transport, source, graphPaths.drive(selector.driveId), 'drive');
  if ('userId' in selector) return getDrive(transport, source, graphPaths.userDrive(selector.userId), "user's drive");
  if ('me' in selector) return getDrive(transport, source, graphPaths.myDrive(), "signed-in user's drive");
  if (selector.libraryName === undefined) {
    return getDrive(transport, source, graphPaths.siteDefaultDrive(selector.siteId), "site's default library");
  }
  return findLibrary(transport, source, selector.siteId, selector.libraryName);
}

/** `missingMeans`: at discovery an unknown drive is NotFound; for a registered source it is permanent. */
export async function getDrive(
  transport: GraphTransport,
  source: SourceKey,
  url: string,
  what: string,
  missingMeans: 'source' | 'thing' = 'thing',
): Promise<GraphDrive> {
  const response = await transport.sendOk(source, { method: 'GET', url }, { what, missingMeans });
  return readGraphJson(response, driveSchema, what);
}

/** A site's library by display name: exact match first, then case-insensitive (SharePoint names are). */
async function findLibrary(
  transport: GraphTransport,
  source: SourceKey,
  siteId: string,
  libraryName: string,
): Promise<GraphDrive> {
  const drives: GraphDrive[] = [];
  let url: string | undefined = graphPaths.siteDrives(siteId);
  for (let page = 0; url !== undefined && page < MAX_DRIVE_LIST_PAGES; page += 1) {
    const response = await transport.sendOk(source, { method: 'GET', url }, { what: 'site', missingMeans: 'thing' });
    const list = await readGraphJson(response, driveListSchema, 'site libraries');
    drives.push(...list.value);
    url = list['@odata.nextLink'];
  }
  const wanted = libraryName.toLowerCase();
  const match =
    drives.find((drive) => drive.name === libraryName) ?? drives.find((drive) => drive.name?.toLowerCase() === wanted);
  if (!match) throw new NotFoundError(`document library "${libraryName}"`);
  return match;
}

/** The folder's item id, or undefined when the scope is the drive's root (the whole drive). */
async function resolveScopeFolder(
  transport: GraphTransport,
  source: SourceKey,
  driveId: string,
  scope: FolderScope,
): Promise<string | undefined> {
  const url = 'itemId' in scope ? graphPaths.item(driveId, scope.itemId) : graphPaths.itemByPath(driveId, scope.path);
  const response = await transport.sendOk(source, { method: 'GET', url }, { what: 'folder', missingMeans: 'thing' });
  const item = await readGraphJson(response, driveItemSchema, 'folder');
  if (hasFacet(item.deleted) || !(hasFacet(item.folder) || hasFacet(item.root))) throw new NotFoundError('folder');
  return hasFacet(item.root) ? undefined : item.id;
}
