// A `channel:<channelId>` cursor: one channel's root posts through chatMessage delta
// (https://learn.microsoft.com/graph/api/chatmessage-delta), and the replies of each post it reports
// through list replies (https://learn.microsoft.com/graph/api/chatmessage-list-replies): delta returns
// root messages without their replies.
//
// The first crawl. Delta returns messages of the last eight months only (chatmessage-delta); older
// posts come from listing the channel (https://learn.microsoft.com/graph/api/channel-list-messages),
// which has no age limit. So a cursor starts by listing every root post with its replies (`list`),
// then reads delta once from the start (`seed`) only to reach a deltaLink: the posts it returns again
// are duplicates the engine drops (it compares versions), and replies are listed again only for posts
// changed since the list began. Then each pass follows the deltaLink (`delta`).
//
// Replies. Whether a new or edited reply makes delta report its root post again is not documented
// (the delta page speaks of root messages only; UNCONFIRMED), so the stricter reading is taken: the
// replies of every post delta reports are listed, and the cursor also keeps the posts whose thread
// changed in the last three days (at most ten), whose replies every pass lists again. A reply to an
// older, quiet thread that delta does not report is found by the next full enumeration (a reconcile)
// or, with a watch, by the notification's sync when Graph reports its root; docs/provider-teams.md.
//
// A 410 or a resync code on delta is an expired cursor: the engine reconciles the channel from a new
// enumeration. A channel that is gone (404) retires its cursor and deletes its folder item, and with
// it every message below, when the source reads every channel of the team; a source of one channel
// has lost its place (PermanentSourceError).
import { CursorExpiredError } from '../../../core/domain/errors.js';
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import type { SourceRecord } from '../../../core/domain/source.js';
import type { LimitedTransport } from '../graph/gated-transport.js';
import { discardBody, failureFrom, readGraphJson } from '../graph/graph-transport.js';
import { goneOrThrow, isOurLink } from './thread-answers.js';
import { decodeChannelCursor, encodeCursor, laterOf, type ChannelCursor } from './teams-cursor.js';
import { teamsLocationOf } from './teams-location.js';
import { deletedMessageItem, isDeleted, messageItemId, threadFolderItem, toTeamsItem } from './teams-mapping.js';
import { teamsPaths } from './teams-paths.js';
import { messageDeltaPageSchema, messageListSchema, type GraphChatMessage } from './teams-schemas.js';

/** How long a thread counts as recent, and how many recent threads a cursor keeps. */
export const RECENT_THREAD_MS = 3 * 24 * 3_600_000;
export const MAX_RECENT_THREADS = 10;
/** Posts changed this long before the list began get their replies listed again by the seed. */
const SEED_OVERLAP_MS = 5 * 60_000;
/** Bounds the reply pages of one post (50 each). */
const MAX_REPLY_PAGES = 40;

export async function fetchChannelPage(
  transport: LimitedTransport,
  source: SourceRecord,
  channelId: string,
  cursorName: string,
  value: string | undefined,
  now: () => number = Date.now,
): Promise<ChangePage> {
  const location = teamsLocationOf(source);
  const teamId = location.teamId ?? '';
  const oneChannel = location.channelId !== undefined;
  const decoded = value === undefined ? undefined : decodeChannelCursor(value);
  // Not ours, or a link to another host: enumerate again.
  if (value !== undefined && (decoded === undefined || !isOurLink(transport, decoded.link))) {
    throw new CursorExpiredError(undefined);
  }
  const cursor: ChannelCursor = decoded ?? {
    v: 1,
    phase: 'list',
    link: teamsPaths.channelMessages(teamId, channelId),
    since: new Date(now()).toISOString(),
    recent: [],
  };
  const response = await transport.send(source, { method: 'GET', url: cursor.link }, 'channel messages');
  if (!response.ok) return goneOrThrow(response, cursorName, 'channel', oneChannel);
  const page =
    cursor.phase === 'list'
      ? await readGraphJson(response, messageListSchema, 'channel messages')
      : await readGraphJson(response, messageDeltaPageSchema, 'channel messages');

  const items: RemoteItem[] = [];
  // The folder of a source of one channel; discovery gives the folders of a source of every channel.
  if (value === undefined && oneChannel) items.push(threadFolderItem(cursorName, location.displayName));
  const recent = new Map(cursor.recent);
  const listed = new Set<string>();
  const sinceMs = cursor.since ? Date.parse(cursor.since) - SEED_OVERLAP_MS : 0;
  for (const entry of page.value) {
    if ('@removed' in entry && entry['@removed']) {
      items.push(deletedMessageItem(messageItemId({ threadId: channelId, messageId: entry.id })));
      recent.delete(entry.id);
      continue;
    }
    const message = entry as GraphChatMessage;
    if (message.replyToId) {
      // Delta returns root posts; a reply here is mapped below its post all the same.
      items.push(
        toTeamsItem(message, cursorName, { threadId: channelId, messageId: message.replyToId, replyId: message.id }),
      );
      continue;
    }
    items.push(toTeamsItem(message, cursorName, { threadId: channelId, messageId: message.id }));
    if (isDeleted(message)) {
      recent.delete(message.id);
      continue;
    }
    const changedAt = Date.parse(message.lastModifiedDateTime ?? '');
    const wantsReplies = cursor.phase !== 'seed' || Number.isNaN(changedAt) || changedAt >= sinceMs;
    if (!wantsReplies) continue;
    const replies = await listReplies(transport, source, teamId, channelId, message.id, cursorName);
    items.push(...replies.items);
    listed.add(message.id);
    const activity = laterOf(message.lastModifiedDateTime, replies.latest);
    if (activity) recent.set(message.id, activity);
  }

  const next = page['@odata.nextLink'];
  const deltaLink = typeof page['@odata.deltaLink'] === 'string' ? page['@odata.deltaLink'] : undefined;
  if (cursor.phase === 'delta' && next === undefined && deltaLink !== undefined) {
    // The end of a pass: the recent threads delta did not report get their replies listed again.
    for (const [postId] of [...recent]) {
      if (listed.has(postId)) continue;
      const replies = await listReplies(transport, source, teamId, channelId, postId, cursorName);
      if (replies.gone) {
        recent.delete(postId);
        continue;
      }
      items.push(...replies.items);
      const activity = laterOf(recent.get(postId), replies.latest);
      if (activity) recent.set(postId, activity);
    }
  }
  const kept = keepRecent(recent, now());
  const state = (phase: ChannelCursor['phase'], link: string): string =>
    encodeCursor({ v: 1, phase, link, ...(cursor.since ? { since: cursor.since } : {}), recent: kept });

  if (cursor.phase === 'list') {
    return next !== undefined
      ? { items, nextCursor: state('list', next) }
      : { items, nextCursor: state('seed', teamsPaths.channelDelta(teamId, channelId)) };
  }
  if (next !== undefined) return { items, nextCursor: state(cursor.phase, next) };
  if (deltaLink === undefined) throw new CursorExpiredError(undefined);
  return { items, finalCursor: encodeCursor({ v: 1, phase: 'delta', link: deltaLink, recent: kept }) };
}

/** Every reply of a post, and the latest lastModifiedDateTime among them; `gone` when the post is. */
async function listReplies(
  transport: LimitedTransport,
  source: SourceRecord,
  teamId: string,
  channelId: string,
  postId: string,
  cursorName: string,
): Promise<{ items: RemoteItem[]; latest: string | undefined; gone: boolean }> {
  const items: RemoteItem[] = [];
  let latest: string | undefined;
  let link: string | undefined = teamsPaths.replies(teamId, channelId, postId);
  for (let pages = 0; link !== undefined && pages < MAX_REPLY_PAGES; pages++) {
    if (!isOurLink(transport, link)) break;
    const response = await transport.send(source, { method: 'GET', url: link }, 'message replies');
    if (response.status === 404) {
      await discardBody(response);
      return { items, latest, gone: true };
    }
    if (!response.ok) throw await failureFrom(response, { what: 'message replies', missingMeans: 'thing' });
    const page = await readGraphJson(response, messageListSchema, 'message replies');
    for (const reply of page.value) {
      items.push(toTeamsItem(reply, cursorName, { threadId: channelId, messageId: postId, replyId: reply.id }));
      latest = laterOf(latest, reply.lastModifiedDateTime);
    }
    link = page['@odata.nextLink'];
  }
  return { items, latest, gone: false };
}

/** The recent threads worth keeping: changed within RECENT_THREAD_MS, newest first, at most MAX_RECENT_THREADS. */
export function keepRecent(recent: ReadonlyMap<string, string>, nowMs: number): [string, string][] {
  return [...recent]
    .filter(([, at]) => {
      const ms = Date.parse(at);
      return !Number.isNaN(ms) && nowMs - ms <= RECENT_THREAD_MS;
    })
    .sort((a, b) => Date.parse(b[1]) - Date.parse(a[1]))
    .slice(0, MAX_RECENT_THREADS);
}
