// A Graph message as the engine's RemoteItem: a `message` item whose parent is its folder, named after
// its subject (`.eml`: its content is the MIME message), with the content facts of the rule in
// mail-content-version.ts.
import { createHash } from 'node:crypto';
import type { RemoteItem } from '../../../core/domain/remote-item.js';
import type { GraphMailMessage } from './mail-schemas.js';

export const MESSAGE_CURSOR_PREFIX = 'messages:';

/** The cursor that enumerates a folder's messages. */
export function messageCursorOf(folderId: string): string {
  return `${MESSAGE_CURSOR_PREFIX}${folderId}`;
}

export function folderOfCursor(cursorName: string): string | undefined {
  return cursorName.startsWith(MESSAGE_CURSOR_PREFIX) ? cursorName.slice(MESSAGE_CURSOR_PREFIX.length) : undefined;
}

/** A name for a path segment: `/` would split it, control characters break logs. */
export function messageName(subject: string | null | undefined): string {
  const printable = [...(subject ?? '')].map((char) => (char < ' ' || char === '\u007f' ? ' ' : char)).join('');
  const cleaned = printable.replace(/\//g, '∕').trim();
  return `${(cleaned || '(no subject)').slice(0, 200)}.eml`;
}

export function toMessageItem(message: GraphMailMessage, folderId: string): RemoteItem {
  const body = message.body?.content ?? '';
  return {
    id: message.id,
    kind: 'message',
    name: messageName(message.subject),
    parentId: folderId,
    cursorName: messageCursorOf(folderId),
    isFolder: false,
    isRoot: false,
    deleted: false,
    mimeType: 'message/rfc822',
    contentVersion: {
      subject: message.subject ?? '',
      body: createHash('sha256').update(body).digest('base64'),
      hasAttachments: message.hasAttachments ? '1' : '0',
    },
    ...(message['@odata.etag'] ? { eTag: message['@odata.etag'] } : {}),
    ...(message.lastModifiedDateTime ? { lastModifiedDateTime: message.lastModifiedDateTime } : {}),
    ...(message.webLink ? { webUrl: message.webLink } : {}),
    message: withoutUndefined({
      conversationId: message.conversationId ?? message.id,
      from: message.from?.emailAddress?.address ?? undefined,
      subject: message.subject ?? undefined,
      sentDateTime: message.sentDateTime ?? undefined,
      receivedDateTime: message.receivedDateTime ?? undefined,
      internetMessageId: message.internetMessageId ?? undefined,
      toCount: message.toRecipients?.length ?? 0,
      ccCount: message.ccRecipients?.length ?? 0,
      hasAttachments: message.hasAttachments ?? false,
      isDraft: message.isDraft ?? false,
    }),
  };
}

export function deletedItem(id: string, isFolder: boolean): RemoteItem {
  return { id, kind: isFolder ? 'file' : 'message', isFolder, isRoot: false, deleted: true };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
