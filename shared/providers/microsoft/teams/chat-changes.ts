// A `chat:<chatId>` cursor: one chat's messages through list messages in a chat, newest change first,
// filtered by a high-water mark (https://learn.microsoft.com/graph/api/chat-list-messages:
// `$orderby=lastModifiedDateTime desc` with `$filter=lastModifiedDateTime gt {t}`, the filter form
// that page documents; the filter is ignored without the $orderby on the same property). Chats have
// no replies: every message is at the top of the chat.
//
// The rule: a pass asks for messages changed after (mark − CHAT_OVERLAP_MS), pages through Graph's
// nextLinks keeping the newest lastModifiedDateTime it saw, and ends with that as the new mark (the old
// one when nothing changed). The first pass has no mark and lists the whole chat. The overlap brings a
// few messages twice; the engine compares versions, so they are no-ops.
//
// An expired nextLink (410, a resync code) is an expired cursor: the engine reconciles the chat from a
// new enumeration of the whole chat (a restart from the mark would make that reconcile drop every
// message older than the mark). A chat
// that is gone (404) retires its cursor and deletes its folder item when the source reads every chat
// of a user; a source of one chat has lost its place (PermanentSourceError).
import { CursorExpiredError } from '../../../core/domain/errors.js';
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import type { SourceRecord } from '../../../core/domain/source.js';
import type { LimitedTransport } from '../graph/gated-transport.js';
import { readGraphJson } from '../graph/graph-transport.js';
import { goneOrThrow, isOurLink } from './thread-answers.js';
import { chatFilterAfter, decodeChatCursor, encodeCursor, laterOf, type ChatCursor } from './teams-cursor.js';
import { teamsLocationOf } from './teams-location.js';
import { threadFolderItem, toTeamsItem } from './teams-mapping.js';
import { teamsPaths } from './teams-paths.js';
import { messageListSchema } from './teams-schemas.js';

export async function fetchChatPage(
  transport: LimitedTransport,
  source: SourceRecord,
  chatId: string,
  cursorName: string,
  value: string | undefined,
): Promise<ChangePage> {
  const location = teamsLocationOf(source);
  const oneChat = location.chatId !== undefined;
  const decoded = value === undefined ? undefined : decodeChatCursor(value);
  if (
    value !== undefined &&
    (decoded === undefined || (decoded.link !== undefined && !isOurLink(transport, decoded.link)))
  ) {
    throw new CursorExpiredError(undefined);
  }
  const cursor: ChatCursor = decoded ?? { v: 1, hw: null };
  const url = cursor.link ?? teamsPaths.chatMessages(chatId, chatFilterAfter(cursor.hw));
  const response = await transport.send(source, { method: 'GET', url }, 'chat messages');
  if (!response.ok) return goneOrThrow(response, cursorName, 'chat', oneChat);
  const page = await readGraphJson(response, messageListSchema, 'chat messages');
  const items: RemoteItem[] = [];
  if (value === undefined && oneChat) items.push(threadFolderItem(cursorName, location.displayName));
  let top = cursor.top;
  for (const message of page.value) {
    items.push(toTeamsItem(message, cursorName, { threadId: chatId, messageId: message.id }));
    top = laterOf(top, message.lastModifiedDateTime);
  }
  const next = page['@odata.nextLink'];
  if (next !== undefined) {
    return { items, nextCursor: encodeCursor({ v: 1, hw: cursor.hw, link: next, ...(top ? { top } : {}) }) };
  }
  return { items, finalCursor: encodeCursor({ v: 1, hw: nextHighWater(cursor.hw, top) }) };
}

/** The mark after a pass: the newest change it saw, never earlier than the mark it started from. */
export function nextHighWater(previous: string | null, newestSeen: string | undefined): string | null {
  return laterOf(previous, newestSeen) ?? null;
}
