// The `folders` cursor of a mail source: the folder tree through mailFolders/delta
// (https://learn.microsoft.com/graph/api/mailfolder-delta). Its pages give the engine the folders as
// items (paths and scope) and announce one message cursor per folder in the source
// (ChangePage.cursorsAdded), retiring those of folders deleted or moved out (cursorsRemoved).
//
// A folder that moved or was renamed after the crawl may have taken child folders with it; delta
// reports only the folder itself, so its subtree is listed and their cursors follow its verdict.
import { z } from 'zod';
import { CursorExpiredError } from '../../../core/domain/errors.js';
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import type { SourceRecord } from '../../../core/domain/source.js';
import { failureFrom, readGraphJson } from '../graph/graph-transport.js';
import type { MailTransport } from './mailbox-gate.js';
import { FolderScope, OUTSIDE_FOLDER_ID } from './folder-scope.js';
import { mailboxOf } from './mail-location.js';
import { deltaHeaders, IMMUTABLE_IDS, mailPaths } from './mail-paths.js';
import { folderDeltaPageSchema, folderListSchema, type GraphMailFolder } from './mail-schemas.js';
import { deletedItem, messageCursorOf } from './message-mapping.js';

export const FOLDERS_CURSOR = 'folders';
const PAGE_SIZE = 100;
/** Bounds the child-folder walk of one moved folder. */
const MAX_SUBTREE_FOLDERS = 5_000;

/** The cursor: Graph's link, and whether it is still the first enumeration (the crawl). */
const cursorSchema = z.object({ v: z.literal(1), link: z.string().min(1), crawl: z.boolean() });
type FolderCursor = z.infer<typeof cursorSchema>;

function encode(cursor: FolderCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decode(value: string): FolderCursor | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function fetchFolderPage(
  transport: MailTransport,
  source: SourceRecord,
  value: string | undefined,
): Promise<ChangePage> {
  const mailbox = mailboxOf(source);
  const cursor = value === undefined ? undefined : decode(value);
  // Not ours, or from another Graph endpoint: enumerate again.
  if (value !== undefined && (cursor === undefined || !transport.isGraphUrl(cursor.link))) {
    throw new CursorExpiredError(undefined);
  }
  const crawl = cursor?.crawl ?? true;
  const response = await transport.send(
    source,
    { method: 'GET', url: cursor?.link ?? mailPaths.folderDelta(mailbox.userId), headers: deltaHeaders(PAGE_SIZE) },
    'mail folders',
  );
  if (!response.ok) {
    throw await failureFrom(response, {
      what: 'mailbox',
      missingMeans: 'source',
      delta: { restartCursor: () => undefined },
    });
  }
  const page = await readGraphJson(response, folderDeltaPageSchema, 'mail folders');
  const scope = new FolderScope(transport, source, mailbox);
  for (const folder of page.value) if (!folder['@removed']) scope.remember(folder.id, folder.parentFolderId);

  // The crawl's first page carries the tree's root, and the parentless folder outside the source.
  const items: RemoteItem[] =
    cursor === undefined
      ? [
          { id: scope.rootId, kind: 'file', name: '', isFolder: true, isRoot: true, deleted: false },
          { id: OUTSIDE_FOLDER_ID, kind: 'file', name: '', isFolder: true, isRoot: false, deleted: false },
        ]
      : [];
  const added: string[] = [];
  const removed: string[] = [];
  for (const folder of page.value) {
    if (folder['@removed']) {
      items.push(deletedItem(folder.id, true));
      removed.push(messageCursorOf(folder.id));
      continue;
    }
    if (folder.id === scope.rootId) continue;
    const inSource = await scope.includes(folder.id);
    items.push(folderItem(folder, await scope.parentInTree(folder.id)));
    (inSource ? added : removed).push(messageCursorOf(folder.id));
    if (!crawl) {
      // Moved or renamed since the crawl: the folders below it follow it in or out of the source.
      // They are items of this page too: a child stored below OUTSIDE_FOLDER_ID must move below its
      // folder again when that folder comes into the source.
      const children = await listFolderSubtree(transport, source, folder.id);
      for (const child of children) scope.remember(child.id, child.parentFolderId);
      for (const child of children) {
        items.push(folderItem(child, await scope.parentInTree(child.id)));
        ((await scope.includes(child.id)) ? added : removed).push(messageCursorOf(child.id));
      }
    }
  }
  const next = page['@odata.nextLink'];
  const delta = page['@odata.deltaLink'];
  if (next === undefined && delta === undefined) throw new CursorExpiredError(undefined);
  return {
    items,
    cursorsAdded: added,
    cursorsRemoved: removed,
    ...(next !== undefined
      ? { nextCursor: encode({ v: 1, link: next, crawl }) }
      : { finalCursor: encode({ v: 1, link: delta!, crawl: false }) }),
  };
}

export function folderItem(folder: GraphMailFolder, parentId: string): RemoteItem {
  return {
    id: folder.id,
    kind: 'file',
    name: (folder.displayName ?? '').replace(/\//g, '∕'),
    parentId,
    isFolder: true,
    isRoot: false,
    deleted: false,
  };
}

/** Every folder below `folderId` (breadth first, through childFolders). */
export async function listFolderSubtree(
  transport: MailTransport,
  source: SourceRecord,
  folderId: string,
): Promise<GraphMailFolder[]> {
  const { userId } = mailboxOf(source);
  const found: GraphMailFolder[] = [];
  const queue = [folderId];
  while (queue.length > 0 && found.length < MAX_SUBTREE_FOLDERS) {
    let url: string | undefined = mailPaths.childFolders(userId, queue.shift()!);
    while (url !== undefined) {
      const response = await transport.send(source, { method: 'GET', url, headers: IMMUTABLE_IDS }, 'mail folders');
      if (response.status === 404) {
        await response.body?.cancel().catch(() => undefined);
        break;
      }
      if (!response.ok) throw await failureFrom(response, { what: 'mail folders', missingMeans: 'thing' });
      const list = await readGraphJson(response, folderListSchema, 'mail folders');
      for (const child of list.value) {
        found.push(child);
        queue.push(child.id);
      }
      url = list['@odata.nextLink'];
    }
  }
  return found;
}
