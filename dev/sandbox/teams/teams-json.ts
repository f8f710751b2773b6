// Teams resources as Graph v1.0 returns them: chatMessage (resources/chatmessage, the shape of the
// chatmessage-delta and chat-list-messages examples), channel (resources/channel), chat (resources/chat).
import type { ChannelRecord, ChatMessageRecord, ChatRecord, TeamRecord } from './teams-model.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface JsonContext {
  tenantId: string;
  userName: (userId: string) => string;
}

function identity(userId: string, context: JsonContext): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.teamworkUserIdentity',
    id: userId,
    displayName: context.userName(userId),
    userIdentityType: 'aadUser',
    tenantId: context.tenantId,
  };
}

export function chatMessageJson(message: ChatMessageRecord, context: JsonContext): Record<string, unknown> {
  const place = message.place;
  const parentId = message.replyToId ?? message.id;
  const webUrl =
    place.kind === 'channel'
      ? `https://teams.microsoft.com/l/message/${encodeURIComponent(place.channelId)}/${message.id}?groupId=${place.teamId}&tenantId=${context.tenantId}&createdTime=${message.createdAt}&parentMessageId=${parentId}`
      : `https://teams.microsoft.com/l/message/${encodeURIComponent(place.chatId)}/${message.id}?context=%7B%22contextType%22%3A%22chat%22%7D`;
  return {
    '@odata.type': '#microsoft.graph.chatMessage',
    id: message.id,
    replyToId: message.replyToId,
    // chatMessage etag: a version string that changes with every change (examples show milliseconds).
    etag: String(message.lastModifiedAt),
    messageType: 'message',
    createdDateTime: iso(message.createdAt),
    lastModifiedDateTime: iso(message.lastModifiedAt),
    lastEditedDateTime: iso(message.lastEditedAt),
    deletedDateTime: iso(message.deletedAt),
    subject: message.subject,
    summary: null,
    chatId: place.kind === 'chat' ? place.chatId : null,
    importance: 'normal',
    locale: 'en-us',
    webUrl,
    policyViolation: null,
    eventDetail: null,
    from: { application: null, device: null, user: identity(message.fromUserId, context) },
    body: { contentType: 'html', content: message.bodyHtml },
    channelIdentity: place.kind === 'channel' ? { teamId: place.teamId, channelId: place.channelId } : null,
    attachments: message.attachments.map((attachment) => ({
      id: attachment.id,
      contentType: attachment.contentType,
      contentUrl: attachment.contentUrl,
      content: attachment.content,
      name: attachment.name,
      thumbnailUrl: null,
      teamsAppId: null,
    })),
    mentions: message.mentions.map((mention) => ({
      id: mention.id,
      mentionText: mention.mentionText,
      mentioned: { application: null, device: null, conversation: null, user: identity(mention.userId, context) },
    })),
    reactions: message.reactions.map((reaction) => ({
      reactionType: reaction.reactionType,
      displayName: null,
      reactionContentUrl: null,
      createdDateTime: iso(reaction.createdAt),
      user: { application: null, device: null, user: identity(reaction.userId, context) },
    })),
    messageHistory: [],
  };
}

export function channelJson(channel: ChannelRecord, tenantId: string): Record<string, unknown> {
  return {
    id: channel.id,
    createdDateTime: iso(channel.createdAt),
    displayName: channel.displayName,
    description: null,
    isFavoriteByDefault: null,
    email: '',
    tenantId,
    webUrl: `https://teams.microsoft.com/l/channel/${encodeURIComponent(channel.id)}/${encodeURIComponent(channel.displayName)}?groupId=${channel.teamId}&tenantId=${tenantId}`,
    membershipType: 'standard',
  };
}

export function chatJson(chat: ChatRecord, tenantId: string): Record<string, unknown> {
  return {
    id: chat.id,
    topic: chat.topic,
    createdDateTime: iso(chat.createdAt),
    lastUpdatedDateTime: iso(chat.lastUpdatedAt),
    chatType: chat.chatType,
    webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(chat.id)}/0?tenantId=${tenantId}`,
    tenantId,
    onlineMeetingInfo: null,
    viewpoint: null,
  };
}

export function teamSummary(team: TeamRecord): { id: string; displayName: string } {
  return { id: team.id, displayName: team.displayName };
}
