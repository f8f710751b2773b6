// The message and mailFolder resources as Graph returns them
// (https://learn.microsoft.com/graph/api/resources/message, …/resources/mailfolder). $select takes
// only documented properties: an unknown one is refused as Graph refuses it, 400
// RequestBroker--ParseUri "Could not find a property named 'x' on type 'microsoft.graph.message'."
// (observed: microsoftgraph/microsoft-graph-docs-contrib#8020, wslyvh/paperweight#1).
import type { AttachmentRecord, MailboxRecord, MailFolderRecord, MessageRecord } from './mail-model.js';
import { attachmentId, changeKey } from './mail-ids.js';

/** Every v1.0 message property (structural; navigation properties cannot be selected here). */
export const MESSAGE_PROPERTIES = [
  'bccRecipients',
  'body',
  'bodyPreview',
  'categories',
  'ccRecipients',
  'changeKey',
  'conversationId',
  'conversationIndex',
  'createdDateTime',
  'flag',
  'from',
  'hasAttachments',
  'id',
  'importance',
  'inferenceClassification',
  'internetMessageHeaders',
  'internetMessageId',
  'isDeliveryReceiptRequested',
  'isDraft',
  'isRead',
  'isReadReceiptRequested',
  'lastModifiedDateTime',
  'parentFolderId',
  'receivedDateTime',
  'replyTo',
  'sender',
  'sentDateTime',
  'subject',
  'toRecipients',
  'uniqueBody',
  'webLink',
] as const;

/** Returned only when selected (message resource: internetMessageHeaders, uniqueBody). */
const ONLY_WHEN_SELECTED = new Set(['internetMessageHeaders', 'uniqueBody']);

export const FOLDER_PROPERTIES = [
  'childFolderCount',
  'displayName',
  'id',
  'isHidden',
  'parentFolderId',
  'totalItemCount',
  'unreadItemCount',
] as const;

export class SelectError extends Error {}

/**
 * Parses $select against the resource's properties (case-insensitive, as Graph matches them) and
 * returns the canonical names; undefined when absent.
 */
export function parseSelect(raw: string | null, properties: readonly string[], typeName: string): string[] | undefined {
  if (raw === null) return undefined;
  const byLower = new Map(properties.map((name) => [name.toLowerCase(), name]));
  const names: string[] = [];
  for (const part of raw.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const canonical = byLower.get(trimmed.toLowerCase());
    if (!canonical) throw new SelectError(`Could not find a property named '${trimmed}' on type '${typeName}'.`);
    if (!names.includes(canonical)) names.push(canonical);
  }
  return names;
}

export interface MessageJsonOptions {
  immutable: boolean;
  select: string[] | undefined;
  /** Delta entries carry "@odata.type" (delta-query-messages examples). */
  inDelta: boolean;
  bodyContentType: 'html' | 'text' | undefined;
}

export function messageId(message: MessageRecord, immutable: boolean): string {
  return immutable ? message.immutableId : message.regularId;
}

export function messageJson(
  mailbox: MailboxRecord,
  message: MessageRecord,
  options: MessageJsonOptions,
): Record<string, unknown> {
  const id = messageId(message, options.immutable);
  const key = changeKey(mailbox.key, message.serial, message.version);
  const body = bodyIn(message, options.bodyContentType);
  const all: Record<string, () => unknown> = {
    createdDateTime: () => iso(message.createdAt),
    lastModifiedDateTime: () => iso(message.modifiedAt),
    changeKey: () => key,
    categories: () => [],
    receivedDateTime: () => iso(message.receivedAt),
    sentDateTime: () => (message.sentAt === null ? null : iso(message.sentAt)),
    hasAttachments: () => message.attachments.some((attachment) => !attachment.isInline),
    internetMessageId: () => message.internetMessageId,
    subject: () => message.subject,
    bodyPreview: () => preview(message),
    importance: () => message.importance,
    parentFolderId: () => message.folderId,
    conversationId: () => message.conversationId,
    conversationIndex: () => Buffer.from(message.conversationId).subarray(0, 22).toString('base64'),
    isDeliveryReceiptRequested: () => false,
    isReadReceiptRequested: () => false,
    isRead: () => message.isRead,
    isDraft: () => message.isDraft,
    webLink: () =>
      `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: () => 'focused',
    body: () => body,
    uniqueBody: () => body,
    sender: () => message.sender,
    from: () => message.from,
    toRecipients: () => message.toRecipients,
    ccRecipients: () => message.ccRecipients,
    bccRecipients: () => [],
    replyTo: () => [],
    flag: () => ({ flagStatus: message.flagStatus }),
    internetMessageHeaders: () => [
      { name: 'Message-ID', value: message.internetMessageId },
      { name: 'Subject', value: message.subject },
    ],
    id: () => id,
  };
  const json: Record<string, unknown> = {};
  if (options.inDelta) json['@odata.type'] = '#microsoft.graph.message';
  json['@odata.etag'] = `W/"${key}"`;
  const names = options.select ?? MESSAGE_PROPERTIES.filter((name) => !ONLY_WHEN_SELECTED.has(name));
  for (const name of names) if (name !== 'id') json[name] = all[name]!();
  json.id = id;
  return json;
}

export function folderJson(folder: MailFolderRecord, select: string[] | undefined): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentFolderId ?? folder.id,
    childFolderCount: folder.childIds.size,
    unreadItemCount: folder.unreadCount,
    totalItemCount: folder.messageSerials.size,
    isHidden: folder.isHidden,
  };
  if (!select) return all;
  const json: Record<string, unknown> = { id: folder.id };
  for (const name of select) json[name] = all[name];
  return json;
}

export function attachmentJson(message: MessageRecord, attachment: AttachmentRecord, immutable: boolean) {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    '@odata.mediaContentType': attachment.contentType,
    id: attachmentId(messageId(message, immutable), attachment.number),
    lastModifiedDateTime: iso(attachment.lastModifiedAt),
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.content.length,
    isInline: attachment.isInline,
    contentId: attachment.contentId,
    contentLocation: null,
    contentBytes: attachment.content.toString('base64'),
  };
}

/** Either id form of the message names the attachment (outlook-immutable-id: attachments too). */
export function findAttachment(message: MessageRecord, id: string): AttachmentRecord | undefined {
  return message.attachments.find(
    (attachment) =>
      attachmentId(message.regularId, attachment.number) === id ||
      attachmentId(message.immutableId, attachment.number) === id,
  );
}

function iso(time: number): string {
  // Outlook's timestamps have whole seconds and a Z.
  return `${new Date(time).toISOString().slice(0, 19)}Z`;
}

function textOf(message: MessageRecord): string {
  if (message.body.contentType === 'text') return message.body.content;
  return message.body.content
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** bodyPreview: the first 255 characters of the body as text (message resource). */
function preview(message: MessageRecord): string {
  return textOf(message).slice(0, 255);
}

/** `Prefer: outlook.body-content-type` asks for text or HTML (message-get: Prefer header). */
function bodyIn(message: MessageRecord, wanted: 'html' | 'text' | undefined): { contentType: string; content: string } {
  if (wanted === 'text' && message.body.contentType === 'html')
    return { contentType: 'text', content: textOf(message) };
  if (wanted === 'html' && message.body.contentType === 'text')
    return { contentType: 'html', content: `<html><body>${escapeHtml(message.body.content)}</body></html>` };
  return { ...message.body };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
