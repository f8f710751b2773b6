// Graph mail resource paths, relative to GRAPH_BASE_URL (https://learn.microsoft.com/graph/api/resources/mail-api-overview).
// The mailbox is always addressed by the owner's id once discovery has run, so app-only and delegated
// sources read the same URLs.
import { encodeSegment } from '../drive/graph-paths.js';

/** The message fields a source needs (https://learn.microsoft.com/graph/api/resources/message). */
export const MESSAGE_SELECT = [
  'id',
  'subject',
  'from',
  'toRecipients',
  'ccRecipients',
  'receivedDateTime',
  'sentDateTime',
  'lastModifiedDateTime',
  'conversationId',
  'internetMessageId',
  'parentFolderId',
  'hasAttachments',
  'isDraft',
  'webLink',
  'body',
].join(',');

export const FOLDER_SELECT = 'id,displayName,parentFolderId';

const mailbox = (userId: string) => `/users/${encodeSegment(userId)}`;

export const mailPaths = {
  me: () => '/me?$select=id',
  user: (userId: string) => `${mailbox(userId)}?$select=id`,
  folder: (userId: string, folder: string) =>
    `${mailbox(userId)}/mailFolders/${encodeSegment(folder)}?$select=${FOLDER_SELECT}`,
  folderDelta: (userId: string) => `${mailbox(userId)}/mailFolders/delta?$select=${FOLDER_SELECT}`,
  childFolders: (userId: string, folderId: string) =>
    `${mailbox(userId)}/mailFolders/${encodeSegment(folderId)}/childFolders?$select=${FOLDER_SELECT}`,
  messageDelta: (userId: string, folderId: string, receivedAfter: string | undefined) =>
    `${mailbox(userId)}/mailFolders/${encodeSegment(folderId)}/messages/delta?$select=${MESSAGE_SELECT}` +
    (receivedAfter ? `&$filter=${encodeURIComponent(`receivedDateTime ge ${receivedAfter}`)}` : ''),
  folderMessages: (userId: string, folderId: string) =>
    `${mailbox(userId)}/mailFolders/${encodeSegment(folderId)}/messages?$select=${MESSAGE_SELECT}`,
  message: (userId: string, messageId: string) =>
    `${mailbox(userId)}/messages/${encodeSegment(messageId)}?$select=${MESSAGE_SELECT}`,
  mime: (userId: string, messageId: string) => `${mailbox(userId)}/messages/${encodeSegment(messageId)}/$value`,
  attachments: (userId: string, messageId: string) =>
    `${mailbox(userId)}/messages/${encodeSegment(messageId)}/attachments?$select=id,name,contentType,size,isInline`,
  attachmentValue: (userId: string, messageId: string, attachmentId: string) =>
    `${mailbox(userId)}/messages/${encodeSegment(messageId)}/attachments/${encodeSegment(attachmentId)}/$value`,
  /** Subscribed resource (no base URL): the mailbox's messages, every folder. */
  subscriptionResource: (userId: string) => `users/${encodeSegment(userId)}/messages`,
};

/**
 * Asked on every mail request: ids that survive a move between folders, so a move is one upsert of
 * the same item (https://learn.microsoft.com/graph/outlook-immutable-id).
 */
export const IMMUTABLE_IDS = { Prefer: 'IdType="ImmutableId"' };

/** Delta pages Graph may fill up to (https://learn.microsoft.com/graph/delta-query-messages). */
export const deltaHeaders = (pageSize: number) => ({ Prefer: `IdType="ImmutableId", odata.maxpagesize=${pageSize}` });
