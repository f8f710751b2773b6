// The SyncProvider for Microsoft Teams over Microsoft Graph, for two source types: `teams_channel`
// (a channel of a team, or every channel of it) and `teams_chat` (a chat, or every chat of a user).
// Cursors: one per channel (`channel:<channelId>`: channel-changes.ts) or chat (`chat:<chatId>`:
// chat-changes.ts); a source of every channel or chat has a discovery cursor first (`channels` /
// `chats`: teams-discovery.ts) that announces and retires them. docs/provider-teams.md tells the story.
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import type { ResolvedLocation, SourceKey, SourceLocation, SourceRecord } from '../../../core/domain/source.js';
import type {
  ContentFacts,
  ContentRequest,
  ContentResponse,
  SyncProvider,
} from '../../../core/ports/provider-ports.js';
import type { WatchSource } from '../../../core/ports/watch-source.js';
import type { LimitedTransport } from '../graph/gated-transport.js';
import { fetchChannelPage } from './channel-changes.js';
import { fetchChatPage } from './chat-changes.js';
import { downloadMessageHtml } from './teams-content.js';
import {
  CHANNELS_CURSOR,
  CHATS_CURSOR,
  checkTeamsLocation,
  fetchDiscoveryPage,
  resolveTeamsLocation,
} from './teams-discovery.js';
import {
  sameTeamsLocation,
  teamsChannelLocationSchema,
  teamsChatLocationSchema,
  teamsLocationOf,
  unresolvedTeamsLocation,
  type TeamsChannelLocation,
  type TeamsChatLocation,
} from './teams-location.js';
import {
  CHANNEL_PREFIX,
  CHAT_PREFIX,
  chatCursorOf,
  channelCursorOf,
  GONE_CURSOR,
  teamsContentChanged,
  threadOfCursor,
} from './teams-mapping.js';

export const TEAMS_CHANNEL_TYPE = 'teams_channel';
export const TEAMS_CHAT_TYPE = 'teams_chat';
export type TeamsSourceType = typeof TEAMS_CHANNEL_TYPE | typeof TEAMS_CHAT_TYPE;

export class TeamsProvider implements SyncProvider {
  readonly supportedFileTypes = 'any' as const;
  readonly locationSchema: typeof teamsChannelLocationSchema | typeof teamsChatLocationSchema;

  constructor(
    readonly type: TeamsSourceType,
    private readonly transport: LimitedTransport,
    readonly watch: WatchSource,
  ) {
    this.locationSchema = type === TEAMS_CHANNEL_TYPE ? teamsChannelLocationSchema : teamsChatLocationSchema;
  }

  resolveLocation(source: SourceKey, location: SourceLocation): Promise<ResolvedLocation> {
    return resolveTeamsLocation(this.transport, source, location as TeamsChannelLocation | TeamsChatLocation);
  }

  unresolvedLocation(location: SourceLocation, previous?: ResolvedLocation): ResolvedLocation {
    const fresh = unresolvedTeamsLocation(location as TeamsChannelLocation | TeamsChatLocation);
    // A display name found earlier stays while the location names the same place.
    if (previous && sameTeamsLocation(previous, fresh)) {
      const { displayName } = teamsLocationOf({ resolvedLocation: previous });
      return displayName ? { ...fresh, displayName } : fresh;
    }
    return fresh;
  }

  /** Every location names its place by ids (there is no `{ me: true }`). */
  isResolved(location: ResolvedLocation): boolean {
    const ids = teamsLocationOf({ resolvedLocation: location });
    return this.type === TEAMS_CHANNEL_TYPE ? ids.teamId !== undefined : (ids.chatId ?? ids.userId) !== undefined;
  }

  sameLocation(a: ResolvedLocation, b: ResolvedLocation): boolean {
    return sameTeamsLocation(a, b);
  }

  validateConnection(source: SourceRecord): Promise<void> {
    return checkTeamsLocation(this.transport, source);
  }

  /** One channel or chat: its cursor. Every one: the discovery cursor first, then those it announced. */
  cursorNames(source: SourceRecord): readonly string[] {
    const location = teamsLocationOf(source);
    if (this.type === TEAMS_CHANNEL_TYPE && location.channelId !== undefined)
      return [channelCursorOf(location.channelId)];
    if (this.type === TEAMS_CHAT_TYPE && location.chatId !== undefined) return [chatCursorOf(location.chatId)];
    const prefix = this.type === TEAMS_CHANNEL_TYPE ? CHANNEL_PREFIX : CHAT_PREFIX;
    const found = Object.keys(source.cursors ?? {}).filter((name) => name.startsWith(prefix));
    return [this.type === TEAMS_CHANNEL_TYPE ? CHANNELS_CURSOR : CHATS_CURSOR, ...found];
  }

  fetchChanges(source: SourceRecord, cursorName: string, cursor: string | undefined): Promise<ChangePage> {
    if (cursorName === CHANNELS_CURSOR && this.type === TEAMS_CHANNEL_TYPE)
      return fetchDiscoveryPage(this.transport, source, CHANNELS_CURSOR);
    if (cursorName === CHATS_CURSOR && this.type === TEAMS_CHAT_TYPE)
      return fetchDiscoveryPage(this.transport, source, CHATS_CURSOR);
    const thread = threadOfCursor(cursorName);
    if (thread?.kind === 'channel' && this.type === TEAMS_CHANNEL_TYPE)
      return fetchChannelPage(this.transport, source, thread.id, cursorName, cursor);
    if (thread?.kind === 'chat' && this.type === TEAMS_CHAT_TYPE)
      return fetchChatPage(this.transport, source, thread.id, cursorName, cursor);
    // A cursor this provider never announced (another provider's rows): it is retired.
    return Promise.resolve({ items: [], cursorsRemoved: [cursorName], finalCursor: GONE_CURSOR });
  }

  contentChanged(before: ContentFacts, after: ContentFacts): boolean {
    return teamsContentChanged(before, after);
  }

  /** Nothing: a channel or chat folder brings its messages through its own cursor. */
  async *listSubtree(): AsyncIterable<RemoteItem[]> {}

  downloadContent(source: SourceRecord, itemId: string, request: ContentRequest): Promise<ContentResponse> {
    return downloadMessageHtml(this.transport, source, itemId, request);
  }
}
