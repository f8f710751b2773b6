// Discovery. Resolving a location checks that it exists with the source's credentials and keeps its
// display name for the folder item. A source of every channel (or every chat of a user) has a
// discovery cursor first (`channels` / `chats`), which lists them on each pass (neither list has a
// delta in v1.0) and announces one message cursor per channel or chat (ChangePage.cursorsAdded),
// retiring those that are gone (cursorsRemoved) with a delete of their folder item, as the mail
// provider's folder tree does.
// List channels: https://learn.microsoft.com/graph/api/channel-list; list chats: …/chat-list.
import type { z } from 'zod';
import { NotFoundError } from '../../../core/domain/errors.js';
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import type { SourceKey, SourceRecord } from '../../../core/domain/source.js';
import type { LimitedTransport } from '../graph/gated-transport.js';
import { discardBody, failureFrom, readGraphJson } from '../graph/graph-transport.js';
import { isOurLink } from './thread-answers.js';
import type { ResolvedTeamsLocation, TeamsChannelLocation, TeamsChatLocation } from './teams-location.js';
import { teamsLocationOf } from './teams-location.js';
import {
  CHANNEL_PREFIX,
  CHAT_PREFIX,
  chatCursorOf,
  channelCursorOf,
  deletedFolderItem,
  threadFolderItem,
} from './teams-mapping.js';
import { teamsPaths } from './teams-paths.js';
import { channelListSchema, channelSchema, chatListSchema, chatSchema, idOnlySchema } from './teams-schemas.js';

export const CHANNELS_CURSOR = 'channels';
export const CHATS_CURSOR = 'chats';
/** Bounds one listing (50 a page for chats; a team has at most 1,000 channels). */
const MAX_LIST_PAGES = 200;

export async function resolveTeamsLocation(
  transport: LimitedTransport,
  source: SourceKey,
  location: TeamsChannelLocation | TeamsChatLocation,
): Promise<ResolvedTeamsLocation> {
  if ('teamId' in location) {
    if ('channelId' in location) {
      const parsed = await getJson(
        transport,
        source,
        teamsPaths.channel(location.teamId, location.channelId),
        'channel',
        channelSchema,
      );
      return { teamId: location.teamId, channelId: parsed.id, ...named(parsed.displayName) };
    }
    const team = await getJson(transport, source, teamsPaths.team(location.teamId), 'team', idOnlySchema);
    return { teamId: location.teamId, ...named(team.displayName) };
  }
  if ('chatId' in location) {
    const chat = await getJson(transport, source, teamsPaths.chat(location.chatId), 'chat', chatSchema);
    return { chatId: chat.id, ...named(chat.topic) };
  }
  await getJson(transport, source, teamsPaths.userChatsProbe(location.userId), 'user chats', chatListSchema);
  return { userId: location.userId };
}

/** The first GET a location needs, for validateConnection. */
export async function checkTeamsLocation(transport: LimitedTransport, source: SourceRecord): Promise<void> {
  const location = teamsLocationOf(source);
  if (location.teamId && location.channelId)
    await getJson(transport, source, teamsPaths.channel(location.teamId, location.channelId), 'channel');
  else if (location.teamId) await getJson(transport, source, teamsPaths.team(location.teamId), 'team');
  else if (location.chatId) await getJson(transport, source, teamsPaths.chat(location.chatId), 'chat');
  else if (location.userId)
    await getJson(transport, source, teamsPaths.userChatsProbe(location.userId), 'user chats', chatListSchema);
  else throw new NotFoundError('Teams location');
}

/** One pass of the `channels` or `chats` cursor: every channel or chat, their cursors announced or retired. */
export async function fetchDiscoveryPage(
  transport: LimitedTransport,
  source: SourceRecord,
  cursorName: typeof CHANNELS_CURSOR | typeof CHATS_CURSOR,
): Promise<ChangePage> {
  const location = teamsLocationOf(source);
  const channels = cursorName === CHANNELS_CURSOR;
  const prefix = channels ? CHANNEL_PREFIX : CHAT_PREFIX;
  let link: string | undefined = channels
    ? teamsPaths.channels(location.teamId ?? '')
    : teamsPaths.userChats(location.userId ?? '');
  const found = new Map<string, string | null | undefined>();
  for (let pages = 0; link !== undefined; pages++) {
    if (pages >= MAX_LIST_PAGES || !isOurLink(transport, link)) break;
    const response = await transport.sendOk(
      source,
      { method: 'GET', url: link },
      { what: channels ? 'team channels' : 'user chats', missingMeans: 'source' },
    );
    if (channels) {
      const page = await readGraphJson(response, channelListSchema, 'team channels');
      for (const channel of page.value) found.set(channelCursorOf(channel.id), channel.displayName);
      link = page['@odata.nextLink'];
    } else {
      const page = await readGraphJson(response, chatListSchema, 'user chats');
      for (const chat of page.value) found.set(chatCursorOf(chat.id), chat.topic ?? chat.chatType);
      link = page['@odata.nextLink'];
    }
  }
  const known = Object.keys(source.cursors ?? {}).filter((name) => name.startsWith(prefix));
  const items: RemoteItem[] = [...found].map(([name, displayName]) => threadFolderItem(name, displayName));
  const added = [...found.keys()].filter((name) => !known.includes(name));
  // A listing cut short (MAX_LIST_PAGES) retires nothing: what it did not reach may still be there.
  const complete = link === undefined;
  const removed = complete ? known.filter((name) => !found.has(name)) : [];
  items.push(...removed.map(deletedFolderItem));
  return {
    items,
    ...(added.length > 0 ? { cursorsAdded: added } : {}),
    ...(removed.length > 0 ? { cursorsRemoved: removed } : {}),
    finalCursor: 'listed',
  };
}

async function getJson<S extends z.ZodType>(
  transport: LimitedTransport,
  source: SourceKey,
  url: string,
  what: string,
  schema: S = idOnlySchema as unknown as S,
): Promise<z.infer<S>> {
  const response = await transport.send(source, { method: 'GET', url }, what);
  if (response.status === 404) {
    await discardBody(response);
    throw new NotFoundError(what);
  }
  if (!response.ok) throw await failureFrom(response, { what, missingMeans: 'thing' });
  return readGraphJson(response, schema, what);
}

function named(displayName: string | null | undefined): { displayName?: string } {
  return displayName ? { displayName } : {};
}
