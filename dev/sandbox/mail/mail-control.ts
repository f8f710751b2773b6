// The in-process control of the mail sandbox (`sandbox.mail`): change mailboxes as a user or a
// sender would, so delta and change notifications see exactly what the real service would show.
// Every call is synchronous; ids returned are immutable ids (folders have only one kind of id).
// The same calls are served over HTTP under /_sandbox/mail/ (mail-control-routes.ts).
import type { TenantState } from '../state/tenant-state.js';
import type { SandboxClock } from '../state/sandbox-clock.js';
import type { Recipient } from './mail-model.js';
import type { LifecycleEventName, MailPort } from './mail-port.js';
import type { MailState, NewMessage } from './mail-state.js';
import { MailStateError } from './mail-state.js';
import type { MailboxConcurrency, MailThrottleSettings } from './mailbox-throttle.js';

export interface DeliverInput {
  /** Default: the Inbox. An id or a well-known name. */
  folderId?: string;
  subject: string;
  /** "Name <address>" or "address". */
  from: string;
  to?: string[];
  cc?: string[];
  /** HTML when it starts with "<", text otherwise. */
  body?: string;
  receivedDateTime?: string;
  isRead?: boolean;
  attachments?: {
    name: string;
    contentType: string;
    content: Buffer | string;
    isInline?: boolean;
    contentId?: string;
  }[];
}

export class MailControl {
  /** Application roles of app-only callers; an app not listed holds Mail.Read (admin-consented). */
  private readonly appRoles = new Map<string, string[]>();

  constructor(
    private readonly state: MailState,
    private readonly tenant: TenantState,
    private readonly clock: SandboxClock,
    private readonly throttle: MailboxConcurrency,
    private readonly port: MailPort,
  ) {}

  /** The id of a well-known folder (inbox, drafts, sentitems, deleteditems, junkemail, archive, outbox, msgfolderroot). */
  folderId(userId: string, wellKnownName: string): string {
    return this.state.requireFolder(this.state.mailbox(userId), wellKnownName).id;
  }

  createFolder(userId: string, input: { parentFolderId: string; displayName: string }): { id: string } {
    return { id: this.state.createFolder(userId, input.parentFolderId, input.displayName).id };
  }

  renameFolder(userId: string, folderId: string, displayName: string): void {
    this.state.renameFolder(userId, folderId, displayName);
  }

  moveFolder(userId: string, folderId: string, destinationFolderId: string): void {
    this.state.moveFolder(userId, folderId, destinationFolderId);
  }

  /** Hard delete: the folder, its children and their messages are gone; @removed in folder delta. */
  deleteFolder(userId: string, folderId: string): void {
    this.state.deleteFolder(userId, folderId);
  }

  deliver(userId: string, input: DeliverInput): { id: string } {
    const owner = this.tenant.users.get(userId);
    if (!owner) throw new MailStateError('ErrorInvalidUser', `The requested user '${userId}' is invalid.`);
    const receivedAt = input.receivedDateTime ? Date.parse(input.receivedDateTime) : this.clock.now();
    if (Number.isNaN(receivedAt)) throw new MailStateError('ErrorInvalidRequest', 'receivedDateTime is not a date.');
    const message: NewMessage = {
      subject: input.subject,
      from: recipient(input.from),
      toRecipients: (input.to ?? [owner.userPrincipalName]).map(recipient),
      ccRecipients: (input.cc ?? []).map(recipient),
      body: bodyOf(input.body ?? ''),
      receivedAt,
      sentAt: receivedAt - 1000,
      isDraft: false,
      isRead: input.isRead ?? false,
      attachments: (input.attachments ?? []).map((attachment) => ({
        name: attachment.name,
        contentType: attachment.contentType,
        content: Buffer.isBuffer(attachment.content) ? attachment.content : Buffer.from(attachment.content, 'utf8'),
        isInline: attachment.isInline ?? false,
        contentId: attachment.contentId ?? null,
      })),
    };
    return { id: this.state.addMessage(userId, input.folderId ?? 'inbox', message).immutableId };
  }

  /** A draft in Drafts (isDraft, read, no sentDateTime), from the mailbox owner. */
  createDraft(userId: string, input: { subject: string; body?: string; to?: string[] }): { id: string } {
    const now = this.clock.now();
    const message = this.state.addMessage(userId, 'drafts', {
      subject: input.subject,
      from: null,
      toRecipients: (input.to ?? []).map(recipient),
      ccRecipients: [],
      body: bodyOf(input.body ?? ''),
      receivedAt: now,
      sentAt: null,
      isDraft: true,
      isRead: true,
      attachments: [],
    });
    return { id: message.immutableId };
  }

  editDraft(userId: string, messageId: string, input: { subject?: string; body?: string }): void {
    const message = this.state.requireMessage(this.state.mailbox(userId), messageId);
    if (!message.isDraft) throw new MailStateError('ErrorInvalidRequest', 'Only drafts can be edited.');
    this.state.updateMessage(userId, messageId, (draft) => {
      if (input.subject !== undefined) draft.subject = input.subject;
      if (input.body !== undefined) draft.body = bodyOf(input.body);
    });
  }

  markRead(userId: string, messageId: string, isRead: boolean): void {
    this.state.updateMessage(userId, messageId, (message) => {
      message.isRead = isRead;
    });
  }

  setFlag(userId: string, messageId: string, flagStatus: 'notFlagged' | 'flagged' | 'complete'): void {
    this.state.updateMessage(userId, messageId, (message) => {
      message.flagStatus = flagStatus;
    });
  }

  /** The regular id changes, the immutable id stays (outlook-immutable-id). */
  moveMessage(userId: string, messageId: string, destinationFolderId: string): void {
    this.state.moveMessage(userId, messageId, destinationFolderId);
  }

  /** Hard delete (no copy in Deleted Items). */
  deleteMessage(userId: string, messageId: string): void {
    this.state.deleteMessage(userId, messageId);
  }

  /** The regular id a message has now (for tests of regular-id behaviour). */
  regularId(userId: string, messageId: string): string {
    return this.state.requireMessage(this.state.mailbox(userId), messageId).regularId;
  }

  /** The next use of those delta links (message delta of the folder; without folder: every folder and the hierarchy) answers 410 SyncStateNotFound. */
  expireDeltaTokens(userId: string, folderId?: string): void {
    this.state.expireDeltaTokens(userId, folderId);
  }

  /** Sends a lifecycle notification to a mail subscription's lifecycleNotificationUrl; subscriptionRemoved also removes it. */
  sendLifecycleEvent(subscriptionId: string, event: LifecycleEventName): void {
    if (!this.port.lifecycle) throw new Error('the subscriptions module is not part of this sandbox');
    this.port.lifecycle.send(subscriptionId, event);
  }

  /** Bulk folders and messages for benchmarks: `folders` new folders under the root, each with its messages. */
  seed(
    userId: string,
    input: { folders: number; messagesPerFolder: number; bodyBytes?: number },
  ): { folderIds: string[] } {
    const mailbox = this.state.mailbox(userId);
    const body = 'x'.repeat(Math.max(0, input.bodyBytes ?? 256));
    const start = this.clock.now() - input.messagesPerFolder * 1000;
    const folderIds: string[] = [];
    const base = mailbox.folders.size;
    for (let f = 0; f < input.folders; f++) {
      const folder = this.state.createFolder(userId, 'msgfolderroot', `Seeded ${base + f}`);
      folderIds.push(folder.id);
      for (let m = 0; m < input.messagesPerFolder; m++) {
        this.state.addMessage(userId, folder.id, {
          subject: `Seeded message ${f}.${m}`,
          from: { emailAddress: { name: 'Seed Sender', address: 'seed@sandbox.test' } },
          toRecipients: [],
          ccRecipients: [],
          body: { contentType: 'text', content: body },
          receivedAt: start + m * 1000,
          sentAt: start + m * 1000 - 1000,
          isDraft: false,
          isRead: m % 2 === 0,
          attachments: [],
        });
      }
    }
    return { folderIds };
  }

  setThrottling(input: Partial<MailThrottleSettings>): void {
    this.throttle.settings = { ...this.throttle.settings, ...input };
  }

  /** The application roles an app-only token of `clientId` carries (e.g. [] to see 403 ErrorAccessDenied). */
  setAppRoles(clientId: string, roles: string[]): void {
    this.appRoles.set(clientId, [...roles]);
  }

  appHasMailRole(clientId: string): boolean {
    const roles = this.appRoles.get(clientId) ?? ['Mail.Read'];
    return roles.some((role) => ['mail.read', 'mail.readwrite'].includes(role.toLowerCase()));
  }

  reset(): void {
    this.appRoles.clear();
  }
}

function recipient(text: string): Recipient {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(text);
  if (match) return { emailAddress: { name: match[1] || match[2]!, address: match[2]! } };
  return { emailAddress: { name: text.trim(), address: text.trim() } };
}

function bodyOf(text: string): { contentType: 'html' | 'text'; content: string } {
  return text.trimStart().startsWith('<')
    ? { contentType: 'html', content: text }
    : { contentType: 'text', content: text };
}
