// The simulated tenant: users, sites, drives and their items, with a per-drive change log that
// delta is computed from. Pure in-memory state, no HTTP; every mutation records a change and tells
// listeners (the notification module of phase 2 hooks onDriveChanged).
import { randomUUID } from 'node:crypto';
import { quickXorHashBase64 } from './quick-xor-hash.js';
import type { SandboxClock } from './sandbox-clock.js';
import type {
  DriveChangedEvent,
  DriveItemRecord,
  DriveKind,
  DriveRecord,
  SandboxSite,
  SandboxUser,
} from './tenant-model.js';

export class SandboxStateError extends Error {
  readonly isSandboxStateError = true;
  constructor(
    readonly code: 'itemNotFound' | 'invalidRequest' | 'nameAlreadyExists',
    message: string,
  ) {
    super(message);
  }
}

export interface GenerateItemsOptions {
  count: number;
  /** Every Nth generated item is a folder; the files after it go into it. Absent: files only. */
  foldersEvery?: number;
  fileSizeBytes?: number;
  namePrefix?: string;
}

type DriveChangedListener = (event: DriveChangedEvent) => void;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export class TenantState {
  readonly users = new Map<string, SandboxUser>();
  readonly sites = new Map<string, SandboxSite>();
  readonly drives = new Map<string, DriveRecord>();
  private readonly listeners = new Set<DriveChangedListener>();

  constructor(private readonly clock: SandboxClock) {}

  onDriveChanged(listener: DriveChangedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reset(): void {
    this.users.clear();
    this.sites.clear();
    this.drives.clear();
  }

  createUser(input: { id?: string; displayName?: string; userPrincipalName?: string } = {}): SandboxUser {
    const id = input.id ?? randomUUID();
    const displayName = input.displayName ?? `User ${this.users.size + 1}`;
    const user: SandboxUser = {
      id,
      displayName,
      userPrincipalName: input.userPrincipalName ?? `${displayName.replace(/\s+/g, '.').toLowerCase()}@sandbox.test`,
    };
    this.users.set(id, user);
    return user;
  }

  createSite(input: { displayName?: string } = {}): SandboxSite {
    // Site ids have Graph's composite shape: hostname,siteCollectionId,webId.
    const id = `sandbox.sharepoint.test,${randomUUID()},${randomUUID()}`;
    const site: SandboxSite = { id, displayName: input.displayName ?? `Site ${this.sites.size + 1}`, driveIds: [] };
    this.sites.set(id, site);
    return site;
  }

  createDrive(input: { driveType: DriveKind; ownerUserId?: string; siteId?: string; name?: string }): DriveRecord {
    if (input.driveType === 'personal' && input.siteId) {
      throw new SandboxStateError('invalidRequest', 'a SharePoint site drive is always a business drive');
    }
    const owner = input.ownerUserId ? this.requireUser(input.ownerUserId) : undefined;
    const site = input.siteId ? this.requireSite(input.siteId) : undefined;
    const now = this.clock.now();
    // Id shapes follow Graph: 16 hex digits for personal drives, "b!…" for Business/SharePoint.
    const id =
      input.driveType === 'personal'
        ? randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()
        : `b!${Buffer.from(randomUUID() + randomUUID())
            .toString('base64url')
            .slice(0, 64)}`;
    const drive: DriveRecord = {
      id,
      kind: input.driveType,
      name: input.name ?? (site ? 'Documents' : 'OneDrive'),
      ownerUserId: owner?.id,
      siteId: site?.id,
      rootId: '',
      webUrl: site
        ? `https://sandbox.sharepoint.test/sites/${encodeURIComponent(site.displayName)}/Shared%20Documents`
        : `https://sandbox-my.sharepoint.test/personal/${owner?.id ?? 'unowned'}/Documents`,
      createdAt: now,
      items: new Map(),
      children: new Map(),
      seq: 0,
      changeLog: [],
      tokenGeneration: 0,
      nextItemNumber: 1,
    };
    const root = this.newItem(drive, { name: 'root', parentId: null, isFolder: true });
    drive.rootId = root.id;
    this.drives.set(id, drive);
    if (owner && !owner.driveId) owner.driveId = id;
    site?.driveIds.push(id);
    this.record(drive, [root]);
    return drive;
  }

  createFolder(driveId: string, parentId: string, name: string): DriveItemRecord {
    const drive = this.requireDrive(driveId);
    this.requireFolder(drive, parentId);
    this.requireFreeName(drive, parentId, name);
    const item = this.newItem(drive, { name, parentId, isFolder: true });
    this.record(drive, [item]);
    return item;
  }

  createFile(driveId: string, parentId: string, name: string, content: Buffer, mimeType?: string): DriveItemRecord {
    const drive = this.requireDrive(driveId);
    this.requireFolder(drive, parentId);
    this.requireFreeName(drive, parentId, name);
    const item = this.newItem(drive, { name, parentId, isFolder: false });
    this.setContent(item, content, mimeType ?? guessMimeType(name));
    this.record(drive, [item]);
    return item;
  }

  updateFile(driveId: string, itemId: string, content: Buffer): DriveItemRecord {
    const drive = this.requireDrive(driveId);
    const item = this.requireItem(drive, itemId);
    if (item.isFolder) throw new SandboxStateError('invalidRequest', 'folders have no content');
    this.setContent(item, content, item.mimeType);
    item.version++;
    item.modifiedAt = this.clock.now();
    this.record(drive, [item]);
    return item;
  }

  rename(driveId: string, itemId: string, newName: string): DriveItemRecord {
    const drive = this.requireDrive(driveId);
    const item = this.requireNonRoot(drive, itemId);
    this.requireFreeName(drive, item.parentId!, newName, item.id);
    item.name = newName;
    item.version++;
    item.modifiedAt = this.clock.now();
    this.record(drive, [item]);
    return item;
  }

  move(driveId: string, itemId: string, newParentId: string): DriveItemRecord {
    const drive = this.requireDrive(driveId);
    const item = this.requireNonRoot(drive, itemId);
    this.requireFolder(drive, newParentId);
    for (let id: string | null = newParentId; id !== null; id = drive.items.get(id)?.parentId ?? null) {
      if (id === item.id) throw new SandboxStateError('invalidRequest', 'cannot move a folder into itself');
    }
    this.requireFreeName(drive, newParentId, item.name, item.id);
    drive.children.get(item.parentId!)?.delete(item.id);
    item.parentId = newParentId;
    this.childrenOf(drive, newParentId).add(item.id);
    item.version++;
    item.modifiedAt = this.clock.now();
    this.record(drive, [item]);
    return item;
  }

  /** Deletes an item and, for a folder, everything under it; each becomes a tombstone for delta. */
  deleteItem(driveId: string, itemId: string): void {
    const drive = this.requireDrive(driveId);
    const item = this.requireNonRoot(drive, itemId);
    const removed: DriveItemRecord[] = [];
    const now = this.clock.now();
    const visit = (record: DriveItemRecord): void => {
      for (const childId of drive.children.get(record.id) ?? []) visit(drive.items.get(childId)!);
      drive.children.delete(record.id);
      record.deleted = true;
      record.content = undefined;
      record.version++;
      record.modifiedAt = now;
      removed.push(record);
    };
    visit(item);
    drive.children.get(item.parentId!)?.delete(item.id);
    this.record(drive, removed);
  }

  /** Bulk creation for benchmarks: one change event for the whole batch. */
  generateItems(
    driveId: string,
    parentId: string,
    options: GenerateItemsOptions,
  ): { created: number; folderIds: string[] } {
    const drive = this.requireDrive(driveId);
    this.requireFolder(drive, parentId);
    const prefix = options.namePrefix ?? `gen-${drive.nextItemNumber}`;
    const size = options.fileSizeBytes ?? 64;
    const created: DriveItemRecord[] = [];
    const folderIds: string[] = [];
    let currentParent = parentId;
    for (let i = 0; i < options.count; i++) {
      const isFolder = options.foldersEvery !== undefined && options.foldersEvery > 0 && i % options.foldersEvery === 0;
      const name = `${prefix}-${i}${isFolder ? '' : '.txt'}`;
      // Generated names carry a unique index, so the name check is skipped for speed.
      const item = this.newItem(drive, { name, parentId: isFolder ? parentId : currentParent, isFolder });
      if (isFolder) {
        folderIds.push(item.id);
        currentParent = item.id;
      } else {
        this.setContent(item, generatedContent(name, size), 'text/plain');
      }
      created.push(item);
    }
    this.record(drive, created);
    return { created: created.length, folderIds };
  }

  /** Bumps the drive's token generation: all its delta tokens and paging cursors answer 410. */
  expireDeltaTokens(driveId?: string): void {
    const targets = driveId ? [this.requireDrive(driveId)] : [...this.drives.values()];
    for (const drive of targets) drive.tokenGeneration++;
  }

  getDrive(driveId: string): DriveRecord | undefined {
    return this.drives.get(driveId);
  }

  requireDrive(driveId: string): DriveRecord {
    const drive = this.drives.get(driveId);
    if (!drive) throw new SandboxStateError('itemNotFound', `drive ${driveId} not found`);
    return drive;
  }

  requireUser(userId: string): SandboxUser {
    const user = this.users.get(userId);
    if (!user) throw new SandboxStateError('itemNotFound', `user ${userId} not found`);
    return user;
  }

  requireSite(siteId: string): SandboxSite {
    const site = this.sites.get(siteId);
    if (!site) throw new SandboxStateError('itemNotFound', `site ${siteId} not found`);
    return site;
  }

  /** A live (not deleted) item. */
  requireItem(drive: DriveRecord, itemId: string): DriveItemRecord {
    const item = drive.items.get(itemId);
    if (!item || item.deleted) throw new SandboxStateError('itemNotFound', 'The resource could not be found.');
    return item;
  }

  liveChildren(drive: DriveRecord, folderId: string): DriveItemRecord[] {
    return [...(drive.children.get(folderId) ?? [])].map((id) => drive.items.get(id)!);
  }

  private requireNonRoot(drive: DriveRecord, itemId: string): DriveItemRecord {
    const item = this.requireItem(drive, itemId);
    if (item.parentId === null) throw new SandboxStateError('invalidRequest', 'the root cannot be changed');
    return item;
  }

  private requireFolder(drive: DriveRecord, itemId: string): DriveItemRecord {
    const item = this.requireItem(drive, itemId);
    if (!item.isFolder) throw new SandboxStateError('invalidRequest', 'the parent is not a folder');
    return item;
  }

  private requireFreeName(drive: DriveRecord, parentId: string, name: string, exceptId?: string): void {
    if (!name || /[/\\:*?"<>|]/.test(name)) throw new SandboxStateError('invalidRequest', 'invalid item name');
    const lower = name.toLowerCase();
    for (const childId of drive.children.get(parentId) ?? []) {
      const child = drive.items.get(childId)!;
      if (child.id !== exceptId && child.name.toLowerCase() === lower) {
        throw new SandboxStateError('nameAlreadyExists', `an item named ${name} already exists`);
      }
    }
  }

  private childrenOf(drive: DriveRecord, folderId: string): Set<string> {
    let set = drive.children.get(folderId);
    if (!set) {
      set = new Set();
      drive.children.set(folderId, set);
    }
    return set;
  }

  private newItem(
    drive: DriveRecord,
    input: { name: string; parentId: string | null; isFolder: boolean },
  ): DriveItemRecord {
    const number = drive.nextItemNumber++;
    const now = this.clock.now();
    const item: DriveItemRecord = {
      id: itemIdFor(drive, number),
      guid: randomUUID().toUpperCase(),
      name: input.name,
      parentId: input.parentId,
      isFolder: input.isFolder,
      content: undefined,
      mimeType: undefined,
      quickXorHash: undefined,
      size: 0,
      version: 1,
      contentVersion: 1,
      createdAt: now,
      modifiedAt: now,
      changeSeq: 0,
      deleted: false,
    };
    drive.items.set(item.id, item);
    if (input.parentId !== null) this.childrenOf(drive, input.parentId).add(item.id);
    return item;
  }

  private setContent(item: DriveItemRecord, content: Buffer, mimeType: string | undefined): void {
    item.content = content;
    item.size = content.length;
    item.mimeType = mimeType ?? 'application/octet-stream';
    item.quickXorHash = quickXorHashBase64(content);
    item.contentVersion++;
  }

  private record(drive: DriveRecord, items: DriveItemRecord[]): void {
    const time = this.clock.now();
    for (const item of items) {
      drive.seq++;
      item.changeSeq = drive.seq;
      drive.changeLog.push({ seq: drive.seq, time, itemId: item.id });
    }
    const event: DriveChangedEvent = { driveId: drive.id, seq: drive.seq, itemIds: items.map((i) => i.id) };
    for (const listener of this.listeners) listener(event);
  }
}

/** Item id shapes follow Graph: "{DRIVEID}!{n}" on personal drives, 34 base32 characters on Business. */
function itemIdFor(drive: DriveRecord, number: number): string {
  if (drive.kind === 'personal') return `${drive.id}!${number}`;
  let suffix = '';
  for (let n = number; n > 0; n = Math.floor(n / 32)) suffix = BASE32[n % 32]! + suffix;
  const driveTag = drive.id
    .slice(2, 12)
    .toUpperCase()
    .replace(/[^A-Z2-7]/g, 'Q');
  return `01${driveTag}${suffix.padStart(22, 'A')}`;
}

function generatedContent(name: string, size: number): Buffer {
  const seed = Buffer.from(`${name}\n`);
  const content = Buffer.alloc(size);
  for (let i = 0; i < size; i += seed.length) seed.copy(content, i);
  return content;
}

function guessMimeType(name: string): string {
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  const known: Record<string, string> = {
    txt: 'text/plain',
    md: 'text/markdown',
    html: 'text/html',
    json: 'application/json',
    pdf: 'application/pdf',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  };
  return known[extension] ?? 'application/octet-stream';
}
