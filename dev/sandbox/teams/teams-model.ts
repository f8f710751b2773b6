// The Teams records of the sandbox: teams, standard channels, chats (oneOnOne and group) and their
// chatMessages (https://learn.microsoft.com/graph/api/resources/chatmessage). Members are users of
// the sandbox tenant (context.tenant.users). A soft-deleted message stays, with deletedAt set.
export interface TeamRecord {
  id: string;
  displayName: string;
  memberIds: Set<string>;
  channels: Map<string, ChannelRecord>;
}

export interface ChannelRecord {
  id: string;
  teamId: string;
  displayName: string;
  createdAt: number;
  messages: Map<string, ChatMessageRecord>;
}

export type ChatType = 'oneOnOne' | 'group';

export interface ChatRecord {
  id: string;
  chatType: ChatType;
  topic: string | null;
  memberIds: Set<string>;
  createdAt: number;
  lastUpdatedAt: number;
  messages: Map<string, ChatMessageRecord>;
}

export interface MentionRecord {
  id: number;
  mentionText: string;
  userId: string;
}

export interface AttachmentRecord {
  id: string;
  contentType: string;
  contentUrl: string | null;
  content: string | null;
  name: string | null;
}

export interface ReactionRecord {
  reactionType: string;
  userId: string;
  createdAt: number;
}

export interface ChatMessageRecord {
  /** Teams message ids are the creation time in milliseconds (chatmessage-delta examples). */
  id: string;
  /** The team and channel, or the chat, the message lives in. */
  place: { kind: 'channel'; teamId: string; channelId: string } | { kind: 'chat'; chatId: string };
  /** Channel replies name their root post; chat messages and root posts have null. */
  replyToId: string | null;
  fromUserId: string;
  bodyHtml: string;
  subject: string | null;
  mentions: MentionRecord[];
  attachments: AttachmentRecord[];
  reactions: ReactionRecord[];
  createdAt: number;
  lastModifiedAt: number;
  lastEditedAt: number | null;
  deletedAt: number | null;
  /**
   * Change sequence of the message's reply chain (the root post and its replies): bumped for every
   * change in the chain. Channel delta orders and selects root posts by it.
   */
  chainSequence: number;
}
