// The sandbox's Drive: users with a My Drive each, shared drives, files and folders, and the change
// log that changes.list pages through. Behaviour and field meanings follow the Drive API v3
// reference (https://developers.google.com/workspace/drive/api/reference/rest/v3/files) and
// "Retrieve changes" (https://developers.google.com/workspace/drive/api/guides/manage-changes).
import { createHash, randomBytes } from 'node:crypto';
import type { SandboxClock } from '../state/sandbox-clock.js';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
/** Docs Editors files: no bytes of their own, only exports (files.export). */
export const NATIVE_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  'application/vnd.google-apps.document': [
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/pdf',
    'text/plain',
    'text/html',
  ],
  'application/vnd.google-apps.spreadsheet': [
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/pdf',
    'text/csv',
  ],
  'application/vnd.google-apps.presentation': [
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'application/pdf',
  ],
};

export interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  /** Set for items of a shared drive (and the shared drive's root, whose id is the drive id). */
  driveId?: string;
  /** The My Drive the item lives in (its owner), for My Drive items. */
  ownerUserId?: string;
  isRoot: boolean;
  trashed: boolean;
  explicitlyTrashed: boolean;
  /** Blob bytes; undefined for folders and native files. */
  content?: Buffer;
  /** Native files: bytes an export would have (the export size limit is checked against it). */
  exportSizeBytes?: number;
  /** Increases on every change to the file, metadata included (files resource `version`). */
  version: number;
  /** Blob revisions only; native files have none in v3. */
  headRevisionId?: string;
  createdTime: string;
  modifiedTime: string;
  /** Creation order: files.list pages follow it, so a page token survives inserts and deletes. */
  order: number;
}

export interface ChangeEntry {
  seq: number;
  fileId: string;
  time: string;
  /** Whose change log (My Drive) or which shared drive's it belongs to. */
  userId?: string;
  driveId?: string;
  /** The file is gone for good (permanently deleted): reported as `removed: true` without a file. */
  removed: boolean;
}

export interface SharedDrive {
  id: string;
  name: string;
  memberUserIds: Set<string>;
}

export interface User {
  id: string;
  email: string;
  rootId: string;
}

export type ChangeListener = (entry: ChangeEntry) => void;

export class DriveModel {
  readonly users = new Map<string, User>();
  readonly drives = new Map<string, SharedDrive>();
  readonly files = new Map<string, DriveFile>();
  readonly log: ChangeEntry[] = [];
  private nextSeq = 1;
  private nextOrder = 1;
  /** Page tokens below this were invalidated (control API): changes.list refuses them. */
  oldestValidToken = 1;
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly clock: SandboxClock) {}

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Makes every page token issued so far invalid (a gap in positions, so none of them is valid again). */
  invalidatePageTokens(): void {
    this.nextSeq += 1;
    this.oldestValidToken = this.nextSeq;
  }

  /** The token getStartPageToken answers: the position after the last change. */
  startPageToken(): number {
    return this.nextSeq;
  }

  createUser(email: string): User {
    const id = `u${this.users.size + 1}${randomBytes(3).toString('hex')}`;
    const root = this.insert({
      name: 'My Drive',
      mimeType: FOLDER_MIME,
      parents: [],
      ownerUserId: id,
      isRoot: true,
    });
    const user = { id, email, rootId: root.id };
    this.users.set(id, user);
    return user;
  }

  createSharedDrive(name: string, memberUserIds: string[]): SharedDrive {
    const id = `0A${randomBytes(8).toString('base64url')}`;
    const drive = { id, name, memberUserIds: new Set(memberUserIds) };
    this.drives.set(id, drive);
    // The shared drive's root folder has the drive's id (files.get on the drive id answers it).
    this.files.set(id, {
      id,
      name,
      mimeType: FOLDER_MIME,
      parents: [],
      driveId: id,
      isRoot: true,
      trashed: false,
      explicitlyTrashed: false,
      version: 1,
      createdTime: this.iso(),
      modifiedTime: this.iso(),
      order: this.nextOrder++,
    });
    return drive;
  }

  createItem(input: {
    parentId: string;
    name: string;
    mimeType: string;
    content?: Buffer;
    exportSizeBytes?: number;
    extraParentIds?: string[];
  }): DriveFile {
    const parent = this.requireFile(input.parentId);
    if (parent.mimeType !== FOLDER_MIME) throw new Error(`${input.parentId} is not a folder`);
    // A shared drive item has exactly one parent (https://developers.google.com/workspace/drive/api/guides/ref-single-parent).
    if (parent.driveId && input.extraParentIds?.length) throw new Error('shared drive items have one parent');
    const blob = input.mimeType !== FOLDER_MIME && !(input.mimeType in NATIVE_EXPORTS);
    return this.insert({
      name: input.name,
      mimeType: input.mimeType,
      parents: [input.parentId, ...(input.extraParentIds ?? [])],
      driveId: parent.driveId,
      ownerUserId: parent.ownerUserId,
      isRoot: false,
      content: blob ? (input.content ?? Buffer.from(`content of ${input.name}`)) : undefined,
      exportSizeBytes: input.mimeType in NATIVE_EXPORTS ? (input.exportSizeBytes ?? 2048) : undefined,
    });
  }

  update(id: string, change: (file: DriveFile) => void, options: { newRevision?: boolean } = {}): DriveFile {
    const file = this.requireFile(id);
    change(file);
    file.version += 1;
    file.modifiedTime = this.iso();
    if (options.newRevision && file.content) file.headRevisionId = revisionId();
    this.record(file, false);
    return file;
  }

  /** Trashing a folder trashes what is below it too (explicitlyTrashed only on the folder itself). */
  trash(id: string, trashed: boolean): void {
    this.update(id, (file) => {
      file.trashed = trashed;
      file.explicitlyTrashed = trashed;
    });
    for (const child of this.descendants(id)) {
      if (child.explicitlyTrashed) continue;
      this.update(child.id, (file) => {
        file.trashed = trashed;
      });
    }
  }

  /** Permanent deletion: the item and everything below it are gone; changes say `removed`. */
  deletePermanently(id: string): void {
    const gone = [this.requireFile(id), ...this.descendants(id)];
    for (const file of gone) {
      this.files.delete(file.id);
      this.record(file, true);
    }
  }

  descendants(folderId: string): DriveFile[] {
    const found: DriveFile[] = [];
    const queue = [folderId];
    while (queue.length > 0) {
      const parent = queue.shift()!;
      for (const file of this.files.values()) {
        if (file.parents.includes(parent)) {
          found.push(file);
          if (file.mimeType === FOLDER_MIME) queue.push(file.id);
        }
      }
    }
    return found;
  }

  requireFile(id: string): DriveFile {
    const file = this.files.get(id);
    if (!file) throw new Error(`no file ${id}`);
    return file;
  }

  /** Whether `userId` can see the file: its My Drive's owner, or a member of its shared drive. */
  canAccess(userId: string, file: DriveFile): boolean {
    if (file.driveId) return this.drives.get(file.driveId)?.memberUserIds.has(userId) ?? false;
    return file.ownerUserId === userId;
  }

  private insert(
    fields: Omit<
      DriveFile,
      'id' | 'version' | 'createdTime' | 'modifiedTime' | 'trashed' | 'explicitlyTrashed' | 'order'
    >,
  ): DriveFile {
    const file: DriveFile = {
      order: this.nextOrder++,
      id: `1${randomBytes(12).toString('base64url')}`,
      version: 1,
      trashed: false,
      explicitlyTrashed: false,
      createdTime: this.iso(),
      modifiedTime: this.iso(),
      ...fields,
      ...(fields.content ? { headRevisionId: revisionId() } : {}),
    };
    this.files.set(file.id, file);
    if (!file.isRoot) this.record(file, false);
    return file;
  }

  private record(file: DriveFile, removed: boolean): void {
    const entry: ChangeEntry = {
      seq: this.nextSeq++,
      fileId: file.id,
      time: this.iso(),
      removed,
      ...(file.driveId ? { driveId: file.driveId } : { userId: file.ownerUserId }),
    };
    this.log.push(entry);
    for (const listener of this.listeners) listener(entry);
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

export function md5(content: Buffer): string {
  return createHash('md5').update(content).digest('hex');
}

export function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function revisionId(): string {
  return `0B${randomBytes(10).toString('base64url')}`;
}
