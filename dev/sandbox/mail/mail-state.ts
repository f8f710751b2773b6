// The mailboxes of the sandbox tenant and every change to them. Each change appends to the logs
// the delta rounds read (mail-model.ts) and is announced on the mail port, so delta and change
// notifications always agree. A move is a departure from one folder (logged with the ids the
// message had there) and an arrival in another with a new regular id, as Exchange does
// (https://learn.microsoft.com/graph/outlook-immutable-id).
import { randomUUID } from 'node:crypto';
import type { SandboxClock } from '../state/sandbox-clock.js';
import type { TenantState } from '../state/tenant-state.js';
import { changeKey, etagOf, folderId, immutableMessageId, newMailboxKey, regularMessageId } from './mail-ids.js';
import type { AttachmentRecord, MailboxRecord, MailFolderRecord, MessageRecord, Recipient } from './mail-model.js';
import type { MailPort } from './mail-port.js';
import { ROOT_DISPLAY_NAME, ROOT_WELL_KNOWN_NAME, WELL_KNOWN_FOLDERS } from './well-known-folders.js';

/** A refused control call (unknown user, folder or message; a rule Outlook enforces). */
export class MailStateError extends Error {
  constructor(
    readonly code: 'ErrorItemNotFound' | 'ErrorInvalidUser' | 'ErrorFolderExists' | 'ErrorInvalidRequest',
    message: string,
  ) {
    super(message);
  }
}

export interface NewMessage {
  subject: string;
  from: Recipient | null;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  body: { contentType: 'html' | 'text'; content: string };
  receivedAt: number;
  sentAt: number | null;
  isDraft: boolean;
  isRead: boolean;
  attachments: Omit<AttachmentRecord, 'number' | 'lastModifiedAt'>[];
}

export class MailState {
  private readonly mailboxes = new Map<string, MailboxRecord>();

  constructor(
    private readonly tenant: TenantState,
    private readonly clock: SandboxClock,
    private readonly port: MailPort,
  ) {}

  reset(): void {
    this.mailboxes.clear();
  }

  /** The user's mailbox, made (with its well-known folders) on first use. */
  mailbox(userId: string): MailboxRecord {
    const existing = this.mailboxes.get(userId);
    if (existing) return existing;
    if (!this.tenant.users.has(userId))
      throw new MailStateError('ErrorInvalidUser', `The requested user '${userId}' is invalid.`);
    const key = newMailboxKey();
    const mailbox: MailboxRecord = {
      userId,
      key,
      rootId: '',
      folders: new Map(),
      wellKnown: new Map(),
      messages: new Map(),
      byImmutableId: new Map(),
      byRegularId: new Map(),
      seq: 0,
      nextSerial: 1,
      nextFolderNumber: 1,
      hierarchyLog: [],
      hierarchyGeneration: 0,
    };
    const root = this.addFolder(mailbox, null, ROOT_DISPLAY_NAME, ROOT_WELL_KNOWN_NAME);
    root.isHidden = true;
    mailbox.rootId = root.id;
    for (const folder of WELL_KNOWN_FOLDERS) this.addFolder(mailbox, root.id, folder.displayName, folder.name);
    this.mailboxes.set(userId, mailbox);
    return mailbox;
  }

  hasUser(userId: string): boolean {
    return this.tenant.users.has(userId);
  }

  /** A folder by id or well-known name (names case-insensitive, as Graph takes them). */
  findFolder(mailbox: MailboxRecord, idOrName: string): MailFolderRecord | undefined {
    const byName = mailbox.wellKnown.get(idOrName.toLowerCase());
    return mailbox.folders.get(byName ?? idOrName);
  }

  requireFolder(mailbox: MailboxRecord, idOrName: string): MailFolderRecord {
    const folder = this.findFolder(mailbox, idOrName);
    if (!folder) throw new MailStateError('ErrorItemNotFound', 'The specified object was not found in the store.');
    return folder;
  }

  /** A message by its regular or its immutable id (both are accepted in URLs). */
  findMessage(mailbox: MailboxRecord, id: string): MessageRecord | undefined {
    const serial = mailbox.byImmutableId.get(id) ?? mailbox.byRegularId.get(id);
    return serial === undefined ? undefined : mailbox.messages.get(serial);
  }

  requireMessage(mailbox: MailboxRecord, id: string): MessageRecord {
    const message = this.findMessage(mailbox, id);
    if (!message) throw new MailStateError('ErrorItemNotFound', 'The specified object was not found in the store.');
    return message;
  }

  createFolder(userId: string, parentIdOrName: string, displayName: string): MailFolderRecord {
    const mailbox = this.mailbox(userId);
    const parent = this.requireFolder(mailbox, parentIdOrName);
    this.requireUniqueName(mailbox, parent, displayName);
    const folder = this.addFolder(mailbox, parent.id, displayName, null);
    this.logHierarchy(mailbox, folder.id, false);
    return folder;
  }

  renameFolder(userId: string, idOrName: string, displayName: string): void {
    const mailbox = this.mailbox(userId);
    const folder = this.requireUserFolder(mailbox, idOrName);
    this.requireUniqueName(mailbox, mailbox.folders.get(folder.parentFolderId!)!, displayName, folder.id);
    folder.displayName = displayName;
    this.logHierarchy(mailbox, folder.id, false);
  }

  moveFolder(userId: string, idOrName: string, destinationIdOrName: string): void {
    const mailbox = this.mailbox(userId);
    const folder = this.requireUserFolder(mailbox, idOrName);
    const destination = this.requireFolder(mailbox, destinationIdOrName);
    for (let id: string | null = destination.id; id !== null; id = mailbox.folders.get(id)?.parentFolderId ?? null) {
      if (id === folder.id)
        throw new MailStateError('ErrorInvalidRequest', 'A folder cannot be moved into itself or its subfolders.');
    }
    this.requireUniqueName(mailbox, destination, folder.displayName, folder.id);
    mailbox.folders.get(folder.parentFolderId!)!.childIds.delete(folder.id);
    destination.childIds.add(folder.id);
    folder.parentFolderId = destination.id;
    this.logHierarchy(mailbox, folder.id, false);
  }

  /** Hard delete: the folder, its subfolders and their messages are gone (no Deleted Items copy). */
  deleteFolder(userId: string, idOrName: string): void {
    const mailbox = this.mailbox(userId);
    const folder = this.requireUserFolder(mailbox, idOrName);
    const doomed: MailFolderRecord[] = [];
    const visit = (current: MailFolderRecord): void => {
      for (const childId of current.childIds) visit(mailbox.folders.get(childId)!);
      doomed.push(current);
    };
    visit(folder);
    mailbox.folders.get(folder.parentFolderId!)!.childIds.delete(folder.id);
    for (const current of doomed) {
      for (const serial of [...current.messageSerials]) this.removeMessage(mailbox, mailbox.messages.get(serial)!);
      mailbox.folders.delete(current.id);
      this.logHierarchy(mailbox, current.id, true);
    }
  }

  addMessage(userId: string, folderIdOrName: string, input: NewMessage): MessageRecord {
    const mailbox = this.mailbox(userId);
    const folder = this.requireFolder(mailbox, folderIdOrName);
    if (folder.id === mailbox.rootId)
      throw new MailStateError('ErrorInvalidRequest', 'Messages cannot be put in the root folder.');
    const now = this.clock.now();
    const serial = mailbox.nextSerial++;
    const owner = this.tenant.users.get(userId)!;
    const message: MessageRecord = {
      serial,
      immutableId: immutableMessageId(mailbox.key, serial),
      regularId: regularMessageId(mailbox.key, serial, 0),
      folderId: folder.id,
      arrivedSeq: 0,
      version: 1,
      subject: input.subject,
      from: input.from ?? { emailAddress: { name: owner.displayName, address: owner.userPrincipalName } },
      sender: null,
      toRecipients: input.toRecipients,
      ccRecipients: input.ccRecipients,
      body: input.body,
      receivedAt: input.receivedAt,
      sentAt: input.sentAt,
      createdAt: now,
      modifiedAt: now,
      isRead: input.isRead,
      isDraft: input.isDraft,
      flagStatus: 'notFlagged',
      importance: 'normal',
      conversationId: `AAQkA${Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url')}=`,
      internetMessageId: `<${randomUUID()}@sandbox.test>`,
      attachments: input.attachments.map((attachment, index) => ({
        ...attachment,
        number: index + 1,
        lastModifiedAt: now,
      })),
    };
    message.sender = message.from;
    mailbox.messages.set(serial, message);
    mailbox.byImmutableId.set(message.immutableId, serial);
    this.arrive(mailbox, folder, message);
    this.emit(mailbox, message, 'created', folder.id);
    return message;
  }

  /** Applies a change to a message (read state, flag, draft edit): an update in delta and notifications. */
  updateMessage(userId: string, messageId: string, change: (message: MessageRecord) => void): void {
    const mailbox = this.mailbox(userId);
    const message = this.requireMessage(mailbox, messageId);
    const wasUnread = !message.isRead;
    change(message);
    const folder = mailbox.folders.get(message.folderId)!;
    folder.unreadCount += (message.isRead ? 0 : 1) - (wasUnread ? 1 : 0);
    message.version++;
    message.modifiedAt = Math.max(this.clock.now(), message.modifiedAt + 1);
    folder.log.push({ seq: ++mailbox.seq, serial: message.serial });
    this.emit(mailbox, message, 'updated', folder.id);
  }

  moveMessage(userId: string, messageId: string, destinationIdOrName: string): void {
    const mailbox = this.mailbox(userId);
    const message = this.requireMessage(mailbox, messageId);
    const destination = this.requireFolder(mailbox, destinationIdOrName);
    if (destination.id === mailbox.rootId)
      throw new MailStateError('ErrorInvalidRequest', 'Messages cannot be put in the root folder.');
    if (destination.id === message.folderId) return;
    const source = mailbox.folders.get(message.folderId)!;
    this.depart(mailbox, source, message);
    this.emit(mailbox, message, 'deleted', source.id);
    mailbox.byRegularId.delete(message.regularId);
    message.regularId = regularMessageId(mailbox.key, message.serial, message.version);
    message.folderId = destination.id;
    message.version++;
    message.modifiedAt = Math.max(this.clock.now(), message.modifiedAt + 1);
    this.arrive(mailbox, destination, message);
    this.emit(mailbox, message, 'created', destination.id);
  }

  /** Hard delete (as permanentDelete): no copy in Deleted Items. */
  deleteMessage(userId: string, messageId: string): void {
    const mailbox = this.mailbox(userId);
    this.removeMessage(mailbox, this.requireMessage(mailbox, messageId));
  }

  expireDeltaTokens(userId: string, folderIdOrName: string | undefined): void {
    const mailbox = this.mailbox(userId);
    if (folderIdOrName !== undefined) {
      this.requireFolder(mailbox, folderIdOrName).tokenGeneration++;
      return;
    }
    for (const folder of mailbox.folders.values()) folder.tokenGeneration++;
    mailbox.hierarchyGeneration++;
  }

  etag(mailbox: MailboxRecord, message: MessageRecord): string {
    return etagOf(changeKey(mailbox.key, message.serial, message.version));
  }

  private removeMessage(mailbox: MailboxRecord, message: MessageRecord): void {
    const folder = mailbox.folders.get(message.folderId)!;
    this.depart(mailbox, folder, message);
    mailbox.messages.delete(message.serial);
    mailbox.byImmutableId.delete(message.immutableId);
    mailbox.byRegularId.delete(message.regularId);
    this.emit(mailbox, message, 'deleted', folder.id);
  }

  private arrive(mailbox: MailboxRecord, folder: MailFolderRecord, message: MessageRecord): void {
    mailbox.byRegularId.set(message.regularId, message.serial);
    folder.messageSerials.add(message.serial);
    if (!message.isRead) folder.unreadCount++;
    message.arrivedSeq = ++mailbox.seq;
    folder.log.push({ seq: message.arrivedSeq, serial: message.serial });
  }

  private depart(mailbox: MailboxRecord, folder: MailFolderRecord, message: MessageRecord): void {
    folder.messageSerials.delete(message.serial);
    if (!message.isRead) folder.unreadCount--;
    folder.log.push({
      seq: ++mailbox.seq,
      serial: message.serial,
      left: { regularId: message.regularId, immutableId: message.immutableId },
    });
  }

  private emit(
    mailbox: MailboxRecord,
    message: MessageRecord,
    changeType: 'created' | 'updated' | 'deleted',
    inFolderId: string,
  ): void {
    this.port.emitMessageChanged({
      userId: mailbox.userId,
      changeType,
      folderId: inFolderId,
      regularId: message.regularId,
      immutableId: message.immutableId,
      etag: this.etag(mailbox, message),
    });
  }

  private addFolder(
    mailbox: MailboxRecord,
    parentId: string | null,
    displayName: string,
    wellKnownName: string | null,
  ): MailFolderRecord {
    const folder: MailFolderRecord = {
      id: folderId(mailbox.key, mailbox.nextFolderNumber++),
      wellKnownName,
      displayName,
      parentFolderId: parentId,
      childIds: new Set(),
      messageSerials: new Set(),
      unreadCount: 0,
      log: [],
      tokenGeneration: 0,
      isHidden: false,
    };
    mailbox.folders.set(folder.id, folder);
    if (wellKnownName) mailbox.wellKnown.set(wellKnownName, folder.id);
    if (parentId) mailbox.folders.get(parentId)!.childIds.add(folder.id);
    return folder;
  }

  /** Well-known folders cannot be renamed, moved or deleted. */
  private requireUserFolder(mailbox: MailboxRecord, idOrName: string): MailFolderRecord {
    const folder = this.requireFolder(mailbox, idOrName);
    if (folder.wellKnownName !== null)
      throw new MailStateError(
        'ErrorInvalidRequest',
        `The well-known folder '${folder.wellKnownName}' cannot be changed.`,
      );
    return folder;
  }

  /** Outlook refuses a second child folder of the same name (ErrorFolderExists), case-insensitively. */
  private requireUniqueName(mailbox: MailboxRecord, parent: MailFolderRecord, name: string, exceptId?: string): void {
    for (const childId of parent.childIds) {
      if (childId === exceptId) continue;
      if (mailbox.folders.get(childId)!.displayName.toLowerCase() === name.toLowerCase())
        throw new MailStateError('ErrorFolderExists', 'A folder with the specified name already exists.');
    }
  }

  private logHierarchy(mailbox: MailboxRecord, folderIdValue: string, removed: boolean): void {
    mailbox.hierarchyLog.push({ seq: ++mailbox.seq, folderId: folderIdValue, removed });
  }
}
