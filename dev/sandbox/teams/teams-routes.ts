// Graph v1.0's Teams read endpoints: channels (channel-list, channel-get), channel messages
// (channel-list-messages, chatmessage-get, chatmessage-list-replies, chatmessage-delta), chats
// (chat-get, chat-list-messages, chat-list). Each request is authenticated with the drive routes'
// authenticate(), checked against the page's permissions (teams-permissions.ts) and team or chat
// membership, counted against Teams' rates (teams-throttle.ts), then charged to the request budget.
import { safeDecode } from '../http/safe-decode.js';
import { authenticate } from '../graph/graph-routes.js';
import { tooManyRequests } from '../graph/graph-errors.js';
import { jsonResponse, type SandboxRequest, type SandboxResponse } from '../http/sandbox-http.js';
import type { AccessTokenRecord } from '../identity/identity-state.js';
import type { SandboxContext } from '../sandbox-context.js';
import type { SignedTokenCodec } from '../state/signed-token.js';
import type { ChannelDelta } from './teams-delta.js';
import {
  badRequest,
  invalidToken,
  methodNotAllowed,
  notFound,
  notMember,
  teamsErrorResponse,
  TeamsRequestError,
} from './teams-errors.js';
import { channelJson, chatJson } from './teams-json.js';
import type { ChatMessageRecord, ChatRecord, TeamRecord } from './teams-model.js';
import { requirePermission, type TeamsApi } from './teams-permissions.js';
import { allowOnly, parseChatListQuery, parseDeltaFilter, parseTop, type ChatListQuery } from './teams-query.js';
import type { TeamsState } from './teams-state.js';
import { TeamsStateError } from './teams-state.js';
import type { TeamsThrottle, ThrottleKeys } from './teams-throttle.js';

/** channel-list-messages: "The default page size is 20 messages" is used for lists too. */
const DEFAULT_LIST_PAGE_SIZE = 20;

export interface TeamsRouteDeps {
  state: TeamsState;
  delta: ChannelDelta;
  throttle: TeamsThrottle;
  codec: SignedTokenCodec;
  appRoles: (clientId: string) => string[];
}

interface Call {
  context: SandboxContext;
  deps: TeamsRouteDeps;
  request: SandboxRequest;
  token: AccessTokenRecord;
  params: URLSearchParams;
}

type Routed = { api: TeamsApi; keys: Omit<ThrottleKeys, 'clientId'>; answer: () => SandboxResponse };

export function registerTeamsRoutes(context: SandboxContext, deps: TeamsRouteDeps): void {
  context.router.add('*', /^\/v1\.0\/(?:teams|chats|users\/[^/]+\/chats)(?:\/.*)?$/i, 'graph', (request) =>
    handle(context, deps, request),
  );
}

function handle(context: SandboxContext, deps: TeamsRouteDeps, request: SandboxRequest): SandboxResponse {
  const token = authenticate(context, request);
  if ('status' in token) return token;
  const now = context.clock.now();
  const call: Call = { context, deps, request, token, params: request.url.searchParams };
  try {
    if (request.method !== 'GET') throw methodNotAllowed();
    const routed = route(call);
    requirePermission(routed.api, token, deps.appRoles(token.clientId));
    if (!deps.throttle.admit({ clientId: token.clientId, ...routed.keys }, now))
      return {
        ...tooManyRequests(request, deps.throttle.settings.retryAfterSeconds, now),
        ru: 0,
        userId: token.userId,
      };
    const decision = context.budget.charge(token.userId ?? `app:${token.clientId}`, token.clientId, 1, now);
    if (!decision.allowed)
      return {
        ...tooManyRequests(request, decision.retryAfterSeconds, now, decision.headers),
        ru: 0,
        userId: token.userId,
      };
    const response = routed.answer();
    return { ...response, headers: { ...decision.headers, ...response.headers }, ru: 1, userId: token.userId };
  } catch (error) {
    return { ...errorResponse(context, request, error), userId: token.userId };
  }
}

function errorResponse(context: SandboxContext, request: SandboxRequest, error: unknown): SandboxResponse {
  const now = context.clock.now();
  if (error instanceof TeamsRequestError) return teamsErrorResponse(request, error, now);
  if (error instanceof TeamsStateError)
    return teamsErrorResponse(
      request,
      new TeamsRequestError(error.code === 'NotFound' ? 404 : 400, error.code, error.message),
      now,
    );
  throw error;
}

function route(call: Call): Routed {
  const segments = call.request.path
    .replace(/^\/v1\.0\//, '')
    .split('/')
    .map((segment) => safeDecode(segment));
  const [first, ...rest] = segments;
  if (first!.toLowerCase() === 'teams') return teamRoute(call, rest);
  if (first!.toLowerCase() === 'chats') return chatRoute(call, rest);
  return userChatsRoute(call, segments[1]!, segments.slice(3));
}

function teamRoute(call: Call, segments: string[]): Routed {
  const { state } = call.deps;
  const [teamId, channels, channelId, messages, messageId, replies, replyId, ...extra] = segments;
  if (!teamId || (channels !== undefined && channels.toLowerCase() !== 'channels') || extra.length > 0)
    throw notFound('Resource');
  const team = state.teams.get(teamId);
  if (!team) throw notFound(`Team ${teamId}`);
  requireTeamMember(call, team);
  // Get team (https://learn.microsoft.com/graph/api/team-get), get channel (…/channel-get) and list
  // channels (…/channel-list) support $select; the properties named are answered (id always).
  if (channels === undefined) {
    allowOnly(call.params, ['$select']);
    return {
      api: 'channels',
      keys: { messageKind: null, teamOrChannel: team.id },
      answer: () =>
        jsonResponse(
          200,
          selected(call.params, {
            '@odata.context': `${call.context.baseUrl()}/v1.0/$metadata#teams/$entity`,
            id: team.id,
            displayName: team.displayName,
            description: null,
            tenantId: call.context.tenantId,
            isArchived: false,
          }),
        ),
    };
  }
  if (channelId === undefined) {
    allowOnly(call.params, ['$select']);
    return {
      api: 'channels',
      keys: { messageKind: null, teamOrChannel: team.id },
      answer: () =>
        jsonResponse(200, {
          '@odata.context': `${call.context.baseUrl()}/v1.0/$metadata#teams('${team.id}')/channels`,
          '@odata.count': team.channels.size,
          value: [...team.channels.values()].map((channel) =>
            selected(call.params, channelJson(channel, call.context.tenantId)),
          ),
        }),
    };
  }
  const channel = team.channels.get(channelId);
  if (!channel) throw notFound(`Channel ${channelId}`);
  const keys = { teamOrChannel: channel.id };
  if (messages === undefined) {
    allowOnly(call.params, ['$select']);
    return {
      api: 'channels',
      keys: { messageKind: null, ...keys },
      answer: () => jsonResponse(200, selected(call.params, channelJson(channel, call.context.tenantId))),
    };
  }
  if (messages.toLowerCase() !== 'messages') throw notFound('Resource');
  const messageKeys = { messageKind: 'channel' as const, ...keys };
  const base = `${call.context.baseUrl()}/v1.0/teams/${team.id}/channels/${encodeURIComponent(channel.id)}/messages`;
  if (messageId === undefined) {
    const roots = [...channel.messages.values()].filter((message) => message.replyToId === null);
    return { api: 'channelMessages', keys: messageKeys, answer: () => listPage(call, roots, base, byCreatedDesc) };
  }
  if (messageId.toLowerCase() === 'delta' && replies === undefined) {
    return { api: 'channelDelta', keys: messageKeys, answer: () => channelDelta(call, team, channel.id, base) };
  }
  const root = channel.messages.get(messageId);
  if (!root || root.replyToId !== null) throw notFound(`Message ${messageId}`);
  if (replies === undefined) {
    allowOnly(call.params, []);
    return { api: 'channelMessages', keys: messageKeys, answer: () => messageResponse(call, root) };
  }
  if (replies.toLowerCase() !== 'replies') throw notFound('Resource');
  const replyList = [...channel.messages.values()].filter((message) => message.replyToId === root.id);
  if (replyId === undefined)
    return {
      api: 'channelMessages',
      keys: messageKeys,
      answer: () => listPage(call, replyList, `${base}/${root.id}/replies`, byCreatedDesc),
    };
  const reply = replyList.find((message) => message.id === replyId);
  if (!reply) throw notFound(`Message ${replyId}`);
  allowOnly(call.params, []);
  return { api: 'channelMessages', keys: messageKeys, answer: () => messageResponse(call, reply) };
}

function chatRoute(call: Call, segments: string[]): Routed {
  const [chatId, messages, messageId, ...extra] = segments;
  if (!chatId || extra.length > 0) throw notFound('Resource');
  const chat = call.deps.state.chats.get(chatId);
  if (!chat) throw notFound(`Chat ${chatId}`);
  requireChatMember(call, chat);
  if (messages === undefined) {
    allowOnly(call.params, []);
    return {
      api: 'chat',
      keys: { messageKind: null, teamOrChannel: null },
      answer: () => jsonResponse(200, chatJson(chat, call.context.tenantId)),
    };
  }
  if (messages.toLowerCase() !== 'messages') throw notFound('Resource');
  const keys = { messageKind: 'chat' as const, teamOrChannel: null };
  if (messageId === undefined) {
    const base = `${call.context.baseUrl()}/v1.0/chats/${encodeURIComponent(chat.id)}/messages`;
    return { api: 'chatMessages', keys, answer: () => chatMessages(call, chat, base) };
  }
  const message = chat.messages.get(messageId);
  if (!message) throw notFound(`Message ${messageId}`);
  allowOnly(call.params, []);
  return { api: 'chatMessages', keys, answer: () => messageResponse(call, message) };
}

function userChatsRoute(call: Call, named: string, extra: string[]): Routed {
  if (extra.length > 0) throw notFound('Resource');
  const user = call.context.tenant.users.get(named);
  if (!user) throw notFound(`User ${named}`);
  // Delegated: "/users/{id}/chats" of the signed-in user only (chat-list).
  if (call.token.userId !== null && call.token.userId !== user.id) throw notMember();
  const chats = [...call.deps.state.chats.values()]
    .filter((chat) => chat.memberIds.has(user.id))
    .sort((a, b) => b.lastUpdatedAt - a.lastUpdatedAt);
  return {
    api: 'userChats',
    keys: { messageKind: null, teamOrChannel: null },
    answer: () => {
      allowOnly(call.params, ['$top', '$skiptoken']);
      const { page, next } = pageOf(call, chats, `${call.context.baseUrl()}/v1.0/users/${user.id}/chats`);
      return jsonResponse(200, {
        '@odata.context': `${call.context.baseUrl()}/v1.0/$metadata#users('${user.id}')/chats`,
        '@odata.count': page.length,
        ...(next ? { '@odata.nextLink': next } : {}),
        value: page.map((chat) => chatJson(chat, call.context.tenantId)),
      });
    },
  };
}

/** The object with only the properties `$select` names (and `id`, `@odata.*`); all of them without `$select`. */
function selected(params: URLSearchParams, json: Record<string, unknown>): Record<string, unknown> {
  const raw = params.get('$select');
  if (raw === null) return json;
  const names = new Set(raw.split(',').map((name) => name.trim().toLowerCase()));
  return Object.fromEntries(
    Object.entries(json).filter(([key]) => key === 'id' || key.startsWith('@odata.') || names.has(key.toLowerCase())),
  );
}

function requireTeamMember(call: Call, team: TeamRecord): void {
  if (call.token.userId !== null && !team.memberIds.has(call.token.userId)) throw notMember();
}

function requireChatMember(call: Call, chat: ChatRecord): void {
  if (call.token.userId !== null && !chat.memberIds.has(call.token.userId)) throw notMember();
}

function messageResponse(call: Call, message: ChatMessageRecord): SandboxResponse {
  return jsonResponse(200, {
    '@odata.context': `${call.context.baseUrl()}/v1.0/$metadata#chatMessage/$entity`,
    ...call.deps.state.messageJson(message),
  });
}

const byCreatedDesc = (a: ChatMessageRecord, b: ChatMessageRecord) => b.createdAt - a.createdAt;

/** A $top-sized page of messages in `order`, continued by a signed $skiptoken. */
function listPage(
  call: Call,
  messages: ChatMessageRecord[],
  base: string,
  order: (a: ChatMessageRecord, b: ChatMessageRecord) => number,
): SandboxResponse {
  allowOnly(call.params, ['$top', '$skiptoken']);
  const { page, next } = pageOf(call, [...messages].sort(order), base);
  return jsonResponse(200, {
    '@odata.context': `${call.context.baseUrl()}/v1.0/$metadata#Collection(chatMessage)`,
    '@odata.count': page.length,
    ...(next ? { '@odata.nextLink': next } : {}),
    value: page.map((message) => call.deps.state.messageJson(message)),
  });
}

/** Pages a sorted list: the skiptoken holds the offset and the page size, bound to the path. */
function pageOf<T>(
  call: Call,
  items: T[],
  base: string,
  extra: Record<string, unknown> = {},
): { page: T[]; next?: string } {
  const raw = call.params.get('$skiptoken');
  let offset = 0;
  let top: number;
  if (raw !== null) {
    if ([...call.params.keys()].some((key) => key !== '$skiptoken')) throw badRequest('A nextLink is used as given.');
    const decoded = call.deps.codec.decode(raw) as { p?: string; o?: number; n?: number } | undefined;
    if (!decoded || decoded.p !== base || typeof decoded.o !== 'number' || typeof decoded.n !== 'number')
      throw invalidToken();
    offset = decoded.o;
    top = decoded.n;
  } else {
    top = parseTop(call.params) ?? DEFAULT_LIST_PAGE_SIZE;
  }
  const page = items.slice(offset, offset + top);
  if (offset + top >= items.length) return { page };
  const url = new URL(base);
  url.searchParams.set('$skiptoken', call.deps.codec.encode({ p: base, o: offset + top, n: top, ...extra }));
  return { page, next: url.toString() };
}

function chatMessages(call: Call, chat: ChatRecord, base: string): SandboxResponse {
  let query: ChatListQuery;
  const raw = call.params.get('$skiptoken');
  if (raw !== null) {
    const decoded = call.deps.codec.decode(raw) as { q?: ChatListQuery } | undefined;
    if (!decoded?.q) throw invalidToken();
    query = decoded.q;
  } else {
    allowOnly(call.params, ['$top', '$orderby', '$filter']);
    query = parseChatListQuery(call.params);
  }
  const time = (message: ChatMessageRecord) =>
    query.orderBy === 'createdDateTime' ? message.createdAt : message.lastModifiedAt;
  const selected = [...chat.messages.values()]
    .filter((message) => query.gt === undefined || time(message) > query.gt)
    .filter((message) => query.lt === undefined || time(message) < query.lt)
    .sort((a, b) => time(b) - time(a) || Number(b.id) - Number(a.id));
  const { page, next } = pageOf(call, selected, base, { q: query });
  return jsonResponse(200, {
    '@odata.context': `${call.context.baseUrl()}/v1.0/$metadata#chats('${chat.id}')/messages`,
    '@odata.count': page.length,
    ...(next ? { '@odata.nextLink': next } : {}),
    value: page.map((message) => call.deps.state.messageJson(message)),
  });
}

function channelDelta(call: Call, team: TeamRecord, channelId: string, base: string): SandboxResponse {
  const { state, delta } = call.deps;
  const channel = state.requireChannel(team.id, channelId);
  const skip = call.params.get('$skiptoken');
  const deltaToken = call.params.get('$deltatoken');
  let cursor;
  if (skip !== null || deltaToken !== null) {
    // "If you use any query parameter (other than $deltatoken and $skiptoken), you must specify it in
    // the initial delta request": the links already carry them.
    allowOnly(call.params, [skip !== null ? '$skiptoken' : '$deltatoken']);
    cursor = delta.resume(channel, skip !== null ? 'skip' : 'delta', (skip ?? deltaToken)!, state.currentSequence());
  } else {
    allowOnly(call.params, ['$top', '$filter']);
    cursor = delta.start(channel, state.currentSequence(), parseTop(call.params), parseDeltaFilter(call.params));
  }
  const page = delta.page(channel, cursor, call.context.clock.now());
  const link = new URL(`${base}/delta`);
  if (page.nextToken) link.searchParams.set('$skiptoken', page.nextToken);
  else link.searchParams.set('$deltatoken', page.deltaToken!);
  return jsonResponse(200, {
    '@odata.context': `${call.context.baseUrl()}/v1.0/$metadata#Collection(chatMessage)`,
    [page.nextToken ? '@odata.nextLink' : '@odata.deltaLink']: link.toString(),
    value: page.messages.map((message) => state.messageJson(message)),
  });
}
