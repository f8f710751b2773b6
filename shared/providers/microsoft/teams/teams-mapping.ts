// A Teams chatMessage as the engine's RemoteItem: a `message` item below its channel's or chat's
// folder item, whose content is its HTML body (teams-content.ts), with the content facts of the rule
// in teamsContentChanged.
//
// Item ids are unique across a source's cursors and say where the message can be read again:
// `<channelId>/<postId>` for a channel post, `<channelId>/<postId>/<replyId>` for a reply,
// `<chatId>/<messageId>` for a chat message (thread ids hold no `/`: teams-location.ts). The folder
// items are named like their cursors: `channel:<channelId>`, `chat:<chatId>`.
import { createHash } from 'node:crypto';
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import type { ContentFacts } from '../../../core/ports/provider-ports.js';
import { messageIdSchema, threadIdSchema } from './teams-location.js';
import type { GraphChatMessage } from './teams-schemas.js';

export const CHANNEL_PREFIX = 'channel:';
export const CHAT_PREFIX = 'chat:';

export const channelCursorOf = (channelId: string) => `${CHANNEL_PREFIX}${channelId}`;
export const chatCursorOf = (chatId: string) => `${CHAT_PREFIX}${chatId}`;

/** The channel or chat a cursor (or folder item) names; undefined when it is not one of ours. */
export function threadOfCursor(name: string): { kind: 'channel' | 'chat'; id: string } | undefined {
  const kind = name.startsWith(CHANNEL_PREFIX) ? 'channel' : name.startsWith(CHAT_PREFIX) ? 'chat' : undefined;
  if (kind === undefined) return undefined;
  const id = name.slice(kind === 'channel' ? CHANNEL_PREFIX.length : CHAT_PREFIX.length);
  return threadIdSchema.safeParse(id).success ? { kind, id } : undefined;
}

/** Where a message item lives: its thread (channel or chat), and its post and reply ids. */
export interface MessageAddress {
  threadId: string;
  messageId: string;
  /** A reply's id; its post is `messageId`. */
  replyId?: string;
}

export function messageItemId(address: MessageAddress): string {
  return [address.threadId, address.messageId, ...(address.replyId ? [address.replyId] : [])].join('/');
}

/** The address an item id names; undefined for anything this provider did not make. */
export function parseMessageItemId(itemId: string): MessageAddress | undefined {
  const [threadId, messageId, replyId, ...rest] = itemId.split('/');
  if (rest.length > 0 || threadId === undefined || messageId === undefined) return undefined;
  if (!threadIdSchema.safeParse(threadId).success || !messageIdSchema.safeParse(messageId).success) return undefined;
  if (replyId !== undefined && !messageIdSchema.safeParse(replyId).success) return undefined;
  return { threadId, messageId, ...(replyId !== undefined ? { replyId } : {}) };
}

/**
 * The folder item of a channel or chat: the parent of its messages; its delete deletes them all. It
 * belongs to the cursor whose page gives it (discovery's, or the channel's or chat's own for a source
 * of one), never to another: a reconcile of a channel must not drop the folder its cursor never lists.
 */
export function threadFolderItem(cursorName: string, displayName: string | null | undefined): RemoteItem {
  return {
    id: cursorName,
    kind: 'file',
    name: segmentName(displayName, cursorName),
    isFolder: true,
    isRoot: false,
    deleted: false,
  };
}

export function deletedFolderItem(cursorName: string): RemoteItem {
  return { id: cursorName, kind: 'file', isFolder: true, isRoot: false, deleted: true };
}

/** The final cursor of a retired channel or chat: never read again (the cursor leaves the source). */
export const GONE_CURSOR = 'gone';

/** The page of a channel or chat that is gone: its folder item deleted, with every message below it, its cursor retired. */
export function goneThreadPage(cursorName: string): ChangePage {
  return { items: [deletedFolderItem(cursorName)], cursorsRemoved: [cursorName], finalCursor: GONE_CURSOR };
}

export function deletedMessageItem(id: string): RemoteItem {
  return { id, kind: 'message', isFolder: false, isRoot: false, deleted: true };
}

/**
 * Graph keeps a deleted message with `deletedDateTime` set (its body emptied):
 * https://learn.microsoft.com/graph/api/resources/chatmessage. That, or a delta `@removed`, is a delete.
 */
export function isDeleted(message: GraphChatMessage): boolean {
  return typeof message.deletedDateTime === 'string' && message.deletedDateTime !== '';
}

/**
 * The message as an item. `cursorName` is the cursor that enumerates it (its channel's or chat's),
 * also the id of its parent folder item; `address` says where it is read again.
 */
export function toTeamsItem(message: GraphChatMessage, cursorName: string, address: MessageAddress): RemoteItem {
  const id = messageItemId(address);
  if (isDeleted(message)) return deletedMessageItem(id);
  const attachments = message.attachments ?? [];
  const from = message.from?.user ?? message.from?.application ?? message.from?.device;
  // A channel thread is its root post; a chat is one conversation.
  const conversationId = cursorName.startsWith(CHANNEL_PREFIX)
    ? messageItemId({ threadId: address.threadId, messageId: address.messageId })
    : address.threadId;
  return {
    id,
    kind: 'message',
    name: `${segmentName(message.subject, 'message')} ${address.replyId ?? address.messageId}.html`,
    parentId: cursorName,
    cursorName,
    isFolder: false,
    isRoot: false,
    deleted: false,
    mimeType: 'text/html',
    contentVersion: contentVersionOf(message),
    ...(message.etag ? { eTag: message.etag } : {}),
    ...(message.lastModifiedDateTime ? { lastModifiedDateTime: message.lastModifiedDateTime } : {}),
    ...(message.webUrl ? { webUrl: message.webUrl } : {}),
    message: withoutUndefined({
      conversationId,
      from: from?.displayName ?? from?.id ?? undefined,
      subject: message.subject ?? undefined,
      sentDateTime: message.createdDateTime ?? undefined,
      hasAttachments: attachments.length > 0,
    }),
  };
}

/**
 * The content facts: the body, the subject, the mentions, the attachments and the last edit. A
 * reaction changes `lastModifiedDateTime` (and the etag) only, never these, so it is metadata only;
 * an edit sets `lastEditedDateTime` and changes the body (chatmessage resource, lastEditedDateTime).
 */
function contentVersionOf(message: GraphChatMessage): Record<string, string> {
  const mentions = (message.mentions ?? []).map((mention) => [
    mention.id ?? null,
    mention.mentionText ?? null,
    mention.mentioned?.user?.id ?? mention.mentioned?.application?.id ?? null,
  ]);
  const attachments = (message.attachments ?? []).map((attachment) => [
    attachment.id ?? null,
    attachment.name ?? null,
    attachment.contentType ?? null,
    attachment.contentUrl ?? null,
  ]);
  return {
    body: sha256(message.body?.content ?? ''),
    subject: message.subject ?? '',
    mentions: sha256(JSON.stringify(mentions)),
    attachments: sha256(JSON.stringify(attachments)),
    edited: message.lastEditedDateTime ?? '',
  };
}

/** Whether a message's content changed between two states (see contentVersionOf). */
export function teamsContentChanged(before: ContentFacts, after: ContentFacts): boolean {
  const a = before.contentVersion ?? {};
  const b = after.contentVersion ?? {};
  return (['body', 'subject', 'mentions', 'attachments', 'edited'] as const).some((key) => a[key] !== b[key]);
}

/** A name for a path segment: `/` would split it, control characters break logs. */
function segmentName(value: string | null | undefined, fallback: string): string {
  const printable = [...(value ?? '')].map((char) => (char < ' ' || char === '\u007f' ? ' ' : char)).join('');
  const cleaned = printable.replace(/\//g, '∕').trim();
  return (cleaned || fallback).slice(0, 120);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
