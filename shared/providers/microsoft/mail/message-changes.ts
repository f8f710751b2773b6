// A `messages:<folderId>` cursor of a mail source: one folder's messages through
// mailFolders/{id}/messages/delta (https://learn.microsoft.com/graph/delta-query-messages), with
// immutable ids so a message keeps its id when it moves (https://learn.microsoft.com/graph/outlook-immutable-id).
//
// Delta reports a message that left the folder as `@removed`, whether it was deleted or moved. With
// immutable ids the message can be asked for: still there in another folder is a move (one upsert of
// the same item, below its new folder, whichever folder's cursor reports it first); 404 is a delete.
// A folder that is gone (404 on its delta) retires its cursor and deletes the folder, and with it
// every message the engine holds below it.
import { CursorExpiredError } from '../../../core/domain/errors.js';
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import type { SourceRecord } from '../../../core/domain/source.js';
import { discardBody, failureFrom, readGraphJson } from '../graph/graph-transport.js';
import type { MailTransport } from './mailbox-gate.js';
import { mailboxOf } from './mail-location.js';
import { deltaHeaders, IMMUTABLE_IDS, mailPaths } from './mail-paths.js';
import { mailMessageSchema, messageDeltaPageSchema, type GraphMailMessage } from './mail-schemas.js';
import { deletedItem, toMessageItem } from './message-mapping.js';

const PAGE_SIZE = 100;
/** The final cursor of a retired folder: never read again (the cursor leaves the source). */
const GONE = 'gone';

export async function fetchMessagePage(
  transport: MailTransport,
  source: SourceRecord,
  folderId: string,
  cursorName: string,
  cursor: string | undefined,
  receivedAfter: string | undefined,
): Promise<ChangePage> {
  const { userId } = mailboxOf(source);
  if (cursor !== undefined && !transport.isGraphUrl(cursor)) throw new CursorExpiredError(undefined);
  const response = await transport.send(
    source,
    {
      method: 'GET',
      url: cursor ?? mailPaths.messageDelta(userId, folderId, receivedAfter),
      headers: deltaHeaders(PAGE_SIZE),
    },
    'folder messages',
  );
  if (response.status === 404) {
    await discardBody(response);
    return { items: [deletedItem(folderId, true)], cursorsRemoved: [cursorName], finalCursor: GONE };
  }
  if (!response.ok) {
    throw await failureFrom(response, {
      what: 'mail folder',
      missingMeans: 'thing',
      // Outlook's delta has no restart link: an expired sync state starts the folder over.
      delta: { restartCursor: () => undefined },
    });
  }
  const page = await readGraphJson(response, messageDeltaPageSchema, 'folder messages');
  const items: RemoteItem[] = [];
  for (const entry of page.value) {
    if ('@removed' in entry && entry['@removed']) {
      items.push(await whereItWent(transport, source, userId, entry.id, folderId));
      continue;
    }
    const message = mailMessageSchema.parse(entry);
    items.push(toMessageItem(message, message.parentFolderId ?? folderId));
  }
  const next = page['@odata.nextLink'];
  const delta = page['@odata.deltaLink'];
  if (next === undefined && delta === undefined) throw new CursorExpiredError(undefined);
  return next !== undefined ? { items, nextCursor: next } : { items, finalCursor: delta };
}

/** A message that left the folder: moved (its state below the new folder) or deleted. */
async function whereItWent(
  transport: MailTransport,
  source: SourceRecord,
  userId: string,
  messageId: string,
  leftFolderId: string,
): Promise<RemoteItem> {
  const response = await transport.send(
    source,
    { method: 'GET', url: mailPaths.message(userId, messageId), headers: IMMUTABLE_IDS },
    'message',
  );
  if (response.status === 404) {
    await discardBody(response);
    return deletedItem(messageId, false);
  }
  if (!response.ok) throw await failureFrom(response, { what: 'message', missingMeans: 'thing' });
  const message: GraphMailMessage = await readGraphJson(response, mailMessageSchema, 'message');
  const now = message.parentFolderId;
  // Still in the folder it left (a delta seen twice): report it as it is.
  return toMessageItem(message, now ?? leftFolderId);
}
