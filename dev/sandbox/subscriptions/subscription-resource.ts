// Which resources can be subscribed to. driveItem (docs/graph-behaviour.md §3): the root of any drive,
// and on personal (OneDrive consumer) drives any folder. Files and drives themselves cannot be
// subscribed; Business drives accept the root only. Outlook messages
// (https://learn.microsoft.com/graph/outlook-change-notifications-overview): a mailbox's messages
// (me/messages, users/{id}/messages) or one folder's (…/mailFolders('{id or well-known name}')/messages).
import { safeDecode } from '../http/safe-decode.js';
import type { MailDirectory } from '../mail/mail-port.js';
import type { TeamsSubscribedPlace } from '../teams/teams-port.js';
import type { TenantState } from '../state/tenant-state.js';
import type { DriveRecord } from '../state/tenant-model.js';

export interface DriveScope {
  driveId: string;
  /** The subscribed folder: the drive's root, or a folder of a personal drive. */
  folderId: string;
}

export interface MailScope {
  mailUserId: string;
  /** The subscribed mail folder, or null for every message of the mailbox. */
  mailFolderId: string | null;
}

/** Teams chatMessage resources (teams-changenotifications-chatmessage): a channel, a chat, or all of either. */
export interface TeamsScope {
  teamsPlace: TeamsSubscribedPlace;
}

export type SubscribedScope = DriveScope | MailScope | TeamsScope;

export function isMailScope(scope: SubscribedScope): scope is MailScope {
  return 'mailUserId' in scope;
}

export function isTeamsScope(scope: SubscribedScope): scope is TeamsScope {
  return 'teamsPlace' in scope;
}

export function isDriveScope(scope: SubscribedScope): scope is DriveScope {
  return 'driveId' in scope;
}

/** Message resources: me/messages, users/{id}/messages, and either with mailFolders('{id}') or mailFolders/{id}. */
const MAIL_RESOURCE = /^(?:me|users\/([^/]+))\/(?:mailfolders(?:\('([^']*)'\)|\/([^/]+))\/)?messages$/i;

export function isMailResource(resource: string): boolean {
  return MAIL_RESOURCE.test(resource.replace(/^\//, '').replace(/\/$/, ''));
}

/**
 * Resolves a message resource. Delegated callers reach only the signed-in user's mailbox
 * (outlook-change-notifications-overview "Request permissions"); the caller checks the permission.
 */
export function resolveMailScope(directory: MailDirectory, resource: string, userId: string | null): MailScope {
  const match = MAIL_RESOURCE.exec(resource.replace(/^\//, '').replace(/\/$/, ''));
  if (!match)
    throw new SubscriptionResourceError(400, `Unsupported resource '${resource}' for a message subscription.`);
  let mailUserId: string;
  if (match[1] === undefined) {
    if (userId === null)
      throw new SubscriptionResourceError(400, '/me request is only valid with delegated authentication flow.');
    mailUserId = userId;
  } else {
    const named = safeDecode(match[1]);
    const resolved = directory.resolveUser(named);
    if (!resolved) throw new SubscriptionResourceError(404, `The requested user '${named}' is invalid.`);
    mailUserId = resolved;
  }
  const folder = match[2] ?? match[3];
  if (folder === undefined) return { mailUserId, mailFolderId: null };
  const mailFolderId = directory.resolveFolder(mailUserId, safeDecode(folder));
  if (!mailFolderId) throw new SubscriptionResourceError(404, 'The specified object was not found in the store.');
  return { mailUserId, mailFolderId };
}

export class SubscriptionResourceError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Resolves `resource` (with or without the leading slash, no base URL) for the caller. `userId` is
 * the signed-in user of a delegated token, null for app-only tokens (which cannot use /me).
 */
export function resolveSubscribedScope(tenant: TenantState, resource: string, userId: string | null): DriveScope {
  if (/^https?:/i.test(resource))
    throw new SubscriptionResourceError(400, 'The resource must be a relative path, without the Graph base URL.');
  const segments = resource.replace(/^\//, '').replace(/\/$/, '').split('/').map(safeDecode);
  const [first, second, ...rest] = segments;
  let drive: DriveRecord | undefined;
  let itemPath: string[];
  if (first === 'me' && second === 'drive') {
    if (userId === null)
      throw new SubscriptionResourceError(400, '/me request is only valid with delegated authentication flow.');
    drive = driveOfUser(tenant, userId);
    itemPath = rest;
  } else if (first === 'users' && second !== undefined && rest[0] === 'drive') {
    drive = driveOfUser(tenant, second);
    itemPath = rest.slice(1);
  } else if (first === 'drives' && second !== undefined) {
    drive = tenant.getDrive(second);
    if (!drive) throw new SubscriptionResourceError(404, `The drive '${second}' was not found.`);
    itemPath = rest;
  } else {
    throw new SubscriptionResourceError(400, `Unsupported resource '${resource}' for a driveItem subscription.`);
  }
  if (itemPath.length === 1 && itemPath[0] === 'root') return { driveId: drive.id, folderId: drive.rootId };
  if (itemPath.length === 0)
    throw new SubscriptionResourceError(400, 'A drive itself cannot be subscribed to: subscribe to its root.');
  if (itemPath.length === 2 && itemPath[0] === 'items' && itemPath[1]) {
    // Strict reading of §3: on Business drives only the root (by the `root` path) can be subscribed.
    if (drive.kind !== 'personal')
      throw new SubscriptionResourceError(
        400,
        'Only the root of a OneDrive for Business or SharePoint drive can be subscribed to.',
      );
    const item = drive.items.get(itemPath[1]);
    if (!item || item.deleted) throw new SubscriptionResourceError(404, 'The resource could not be found.');
    if (!item.isFolder)
      throw new SubscriptionResourceError(400, 'Files cannot be subscribed to: subscribe to a folder.');
    return { driveId: drive.id, folderId: item.id };
  }
  throw new SubscriptionResourceError(400, `Unsupported resource '${resource}' for a driveItem subscription.`);
}

/** Whether a change to `itemId` falls under the subscribed folder (the folder itself included). */
export function scopeCovers(drive: DriveRecord, scope: DriveScope, itemId: string): boolean {
  if (scope.folderId === drive.rootId) return true;
  // Bounded walk up the tree: tombstones keep their parentId, so deletions are placed too.
  for (let id: string | null = itemId, steps = 0; id !== null && steps <= drive.items.size; steps++) {
    if (id === scope.folderId) return true;
    id = drive.items.get(id)?.parentId ?? null;
  }
  return false;
}

function driveOfUser(tenant: TenantState, userId: string): DriveRecord {
  const user = tenant.users.get(userId);
  if (!user) throw new SubscriptionResourceError(404, `The user '${userId}' was not found.`);
  const drive = user.driveId ? tenant.getDrive(user.driveId) : undefined;
  if (!drive) throw new SubscriptionResourceError(404, 'The user has no drive.');
  return drive;
}
