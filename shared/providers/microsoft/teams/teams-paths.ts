// Graph Teams resource paths, relative to GRAPH_BASE_URL. Thread ids (`19:…@thread.v2`) are written
// as Graph's own examples write them, with `:` and `@` as they are; every other character is encoded
// (the ids are checked against their alphabets in teams-location.ts first).
// - channel messages delta: https://learn.microsoft.com/graph/api/chatmessage-delta
// - list channel messages: https://learn.microsoft.com/graph/api/channel-list-messages
// - list replies: https://learn.microsoft.com/graph/api/chatmessage-list-replies
// - list messages in a chat: https://learn.microsoft.com/graph/api/chat-list-messages
// - list channels: https://learn.microsoft.com/graph/api/channel-list; list a user's chats: …/chat-list
import { encodeSegment } from '../drive/graph-paths.js';

/** Graph's largest page for channel messages, replies and chat messages ($top at most 50). */
export const TEAMS_PAGE_SIZE = 50;

export function threadSegment(id: string): string {
  return encodeURIComponent(id).replace(/%3A/gi, ':').replace(/%40/g, '@');
}

const team = (teamId: string) => `/teams/${encodeSegment(teamId)}`;
const channel = (teamId: string, channelId: string) => `${team(teamId)}/channels/${threadSegment(channelId)}`;
const post = (teamId: string, channelId: string, postId: string) =>
  `${channel(teamId, channelId)}/messages/${encodeSegment(postId)}`;
const chat = (chatId: string) => `/chats/${threadSegment(chatId)}`;

export const teamsPaths = {
  team: (teamId: string) => `${team(teamId)}?$select=id,displayName`,
  channel: (teamId: string, channelId: string) => `${channel(teamId, channelId)}?$select=id,displayName,webUrl`,
  channels: (teamId: string) => `${team(teamId)}/channels?$select=id,displayName,webUrl`,
  /** Root posts, any age (delta reaches back eight months only). */
  channelMessages: (teamId: string, channelId: string) =>
    `${channel(teamId, channelId)}/messages?$top=${TEAMS_PAGE_SIZE}`,
  channelDelta: (teamId: string, channelId: string) => `${channel(teamId, channelId)}/messages/delta`,
  replies: (teamId: string, channelId: string, postId: string) =>
    `${post(teamId, channelId, postId)}/replies?$top=${TEAMS_PAGE_SIZE}`,
  post: (teamId: string, channelId: string, postId: string) => post(teamId, channelId, postId),
  reply: (teamId: string, channelId: string, postId: string, replyId: string) =>
    `${post(teamId, channelId, postId)}/replies/${encodeSegment(replyId)}`,
  /** No $select: get chat "does not currently support OData query parameters" (https://learn.microsoft.com/graph/api/chat-get). */
  chat: (chatId: string) => chat(chatId),
  /**
   * One chat of the user, to check the chats can be listed (GET /users/{id} would need User.Read.All).
   * No $select on list chats: it takes $expand, $top, $filter and $orderby only, "other OData query
   * parameters are not currently supported" (https://learn.microsoft.com/graph/api/chat-list).
   */
  userChatsProbe: (userId: string) => `/users/${encodeSegment(userId)}/chats?$top=1`,
  userChats: (userId: string) => `/users/${encodeSegment(userId)}/chats?$top=${TEAMS_PAGE_SIZE}`,
  /**
   * A chat's messages, newest change first, changed after `after` when given. The filter applies only
   * with an $orderby on the same property (otherwise Graph ignores it): chat-list-messages.
   */
  chatMessages: (chatId: string, after: string | undefined) =>
    `${chat(chatId)}/messages?$top=${TEAMS_PAGE_SIZE}&$orderby=${encodeURIComponent('lastModifiedDateTime desc')}` +
    (after === undefined ? '' : `&$filter=${encodeURIComponent(`lastModifiedDateTime gt ${after}`)}`),
  chatMessage: (chatId: string, messageId: string) => `${chat(chatId)}/messages/${encodeSegment(messageId)}`,
  /** Subscribed resources (no base URL): https://learn.microsoft.com/graph/teams-changenotifications-chatmessage */
  channelSubscription: (teamId: string, channelId: string) => `teams/${teamId}/channels/${channelId}/messages`,
  teamSubscription: (teamId: string) => `teams/${teamId}/channels/getAllMessages`,
  chatSubscription: (chatId: string) => `chats/${chatId}/messages`,
  userChatsSubscription: (userId: string) => `users/${encodeSegment(userId)}/chats/getAllMessages`,
};
