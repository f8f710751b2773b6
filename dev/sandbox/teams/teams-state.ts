// The Teams content of the sandbox tenant and every change to it. Each change of a message bumps
// its reply chain's sequence (channel delta reads it) and is announced on the Teams port, with the
// chatMessage as Graph would return it, for change notifications.
import { randomUUID } from 'node:crypto';
import type { SandboxClock } from '../state/sandbox-clock.js';
import type { TenantState } from '../state/tenant-state.js';
import type {
  AttachmentRecord,
  ChannelRecord,
  ChatMessageRecord,
  ChatRecord,
  ChatType,
  MentionRecord,
  TeamRecord,
} from './teams-model.js';
import type { TeamsPort } from './teams-port.js';
import { chatMessageJson } from './teams-json.js';

export class TeamsStateError extends Error {
  constructor(
    readonly code: 'NotFound' | 'BadRequest',
    message: string,
  ) {
    super(message);
  }
}

export interface NewMessage {
  fromUserId: string;
  bodyHtml: string;
  subject?: string | null;
  mentions?: MentionRecord[];
  attachments?: AttachmentRecord[];
  /** Default: now on the sandbox clock; earlier times model old history (the 8-month delta rule). */
  createdAt?: number;
}

export class TeamsState {
  readonly teams = new Map<string, TeamRecord>();
  readonly chats = new Map<string, ChatRecord>();
  private sequence = 0;
  private lastMessageId = 0;

  constructor(
    private readonly tenant: TenantState,
    private readonly clock: SandboxClock,
    private readonly port: TeamsPort,
    private readonly tenantId: string,
  ) {}

  reset(): void {
    this.teams.clear();
    this.chats.clear();
    this.sequence = 0;
  }

  currentSequence(): number {
    return this.sequence;
  }

  createTeam(displayName: string, memberIds: string[]): TeamRecord {
    for (const id of memberIds) this.requireUser(id);
    const team: TeamRecord = { id: randomUUID(), displayName, memberIds: new Set(memberIds), channels: new Map() };
    this.teams.set(team.id, team);
    // Every team has its General channel (channel resource: the primary channel).
    this.createChannel(team.id, 'General');
    return team;
  }

  createChannel(teamId: string, displayName: string): ChannelRecord {
    const team = this.requireTeam(teamId);
    const channel: ChannelRecord = {
      id: `19:${randomUUID().replace(/-/g, '')}@thread.tacv2`,
      teamId,
      displayName,
      createdAt: this.clock.now(),
      messages: new Map(),
    };
    team.channels.set(channel.id, channel);
    return channel;
  }

  createChat(chatType: ChatType, memberIds: string[], topic: string | null): ChatRecord {
    for (const id of memberIds) this.requireUser(id);
    if (new Set(memberIds).size !== memberIds.length)
      throw new TeamsStateError('BadRequest', 'A chat lists each member once.');
    if (chatType === 'oneOnOne' && new Set(memberIds).size !== 2)
      throw new TeamsStateError('BadRequest', 'A oneOnOne chat has exactly two members.');
    if (chatType === 'group' && new Set(memberIds).size < 2)
      throw new TeamsStateError('BadRequest', 'A group chat has at least two members.');
    const now = this.clock.now();
    const suffix = chatType === 'oneOnOne' ? '@unq.gbl.spaces' : '@thread.v2';
    const chat: ChatRecord = {
      id: `19:${randomUUID().replace(/-/g, '')}${suffix}`,
      chatType,
      topic: chatType === 'oneOnOne' ? null : topic,
      memberIds: new Set(memberIds),
      createdAt: now,
      lastUpdatedAt: now,
      messages: new Map(),
    };
    this.chats.set(chat.id, chat);
    return chat;
  }

  /** A root post in a channel. */
  postToChannel(teamId: string, channelId: string, input: NewMessage): ChatMessageRecord {
    const channel = this.requireChannel(teamId, channelId);
    this.requireMember(this.requireTeam(teamId).memberIds, input.fromUserId);
    return this.add(channel.messages, { kind: 'channel', teamId, channelId }, null, input);
  }

  reply(teamId: string, channelId: string, rootId: string, input: NewMessage): ChatMessageRecord {
    const channel = this.requireChannel(teamId, channelId);
    const root = channel.messages.get(rootId);
    if (!root || root.replyToId !== null) throw new TeamsStateError('NotFound', `Message ${rootId} not found.`);
    this.requireMember(this.requireTeam(teamId).memberIds, input.fromUserId);
    const reply = this.add(channel.messages, { kind: 'channel', teamId, channelId }, rootId, input);
    root.chainSequence = reply.chainSequence;
    return reply;
  }

  postToChat(chatId: string, input: NewMessage): ChatMessageRecord {
    const chat = this.requireChat(chatId);
    this.requireMember(chat.memberIds, input.fromUserId);
    const message = this.add(chat.messages, { kind: 'chat', chatId }, null, input);
    chat.lastUpdatedAt = message.createdAt;
    return message;
  }

  /** An edit of the body: lastEditedDateTime and lastModifiedDateTime move (chatmessage resource). */
  edit(messageId: string, bodyHtml: string): ChatMessageRecord {
    return this.change(messageId, (message, now) => {
      if (message.deletedAt !== null) throw new TeamsStateError('BadRequest', 'A deleted message cannot be edited.');
      message.bodyHtml = bodyHtml;
      message.lastEditedAt = now;
    });
  }

  react(messageId: string, userId: string, reactionType: string): ChatMessageRecord {
    this.requireUser(userId);
    return this.change(messageId, (message, now) => {
      message.reactions.push({ reactionType, userId, createdAt: now });
    });
  }

  /** Soft delete: the message stays, with deletedDateTime set. */
  softDelete(messageId: string): ChatMessageRecord {
    return this.change(
      messageId,
      (message, now) => {
        if (message.deletedAt !== null) throw new TeamsStateError('BadRequest', 'The message is already deleted.');
        message.deletedAt = now;
      },
      'deleted',
    );
  }

  findMessage(messageId: string): ChatMessageRecord | undefined {
    for (const team of this.teams.values())
      for (const channel of team.channels.values()) {
        const message = channel.messages.get(messageId);
        if (message) return message;
      }
    for (const chat of this.chats.values()) {
      const message = chat.messages.get(messageId);
      if (message) return message;
    }
    return undefined;
  }

  requireTeam(teamId: string): TeamRecord {
    const team = this.teams.get(teamId);
    if (!team) throw new TeamsStateError('NotFound', `Team ${teamId} not found.`);
    return team;
  }

  requireChannel(teamId: string, channelId: string): ChannelRecord {
    const channel = this.requireTeam(teamId).channels.get(channelId);
    if (!channel) throw new TeamsStateError('NotFound', `Channel ${channelId} not found.`);
    return channel;
  }

  requireChat(chatId: string): ChatRecord {
    const chat = this.chats.get(chatId);
    if (!chat) throw new TeamsStateError('NotFound', `Chat ${chatId} not found.`);
    return chat;
  }

  userName(userId: string): string {
    return this.tenant.users.get(userId)?.displayName ?? 'Unknown user';
  }

  messageJson(message: ChatMessageRecord): Record<string, unknown> {
    return chatMessageJson(message, { tenantId: this.tenantId, userName: (id) => this.userName(id) });
  }

  private add(
    messages: Map<string, ChatMessageRecord>,
    place: ChatMessageRecord['place'],
    replyToId: string | null,
    input: NewMessage,
  ): ChatMessageRecord {
    const createdAt = input.createdAt ?? this.clock.now();
    // Ids are creation milliseconds; two messages in one millisecond get consecutive ids.
    const numeric = createdAt > this.lastMessageId ? createdAt : this.lastMessageId + 1;
    this.lastMessageId = Math.max(this.lastMessageId, numeric);
    const message: ChatMessageRecord = {
      id: String(numeric),
      place,
      replyToId,
      fromUserId: input.fromUserId,
      bodyHtml: input.bodyHtml,
      subject: input.subject ?? null,
      mentions: input.mentions ?? [],
      attachments: input.attachments ?? [],
      reactions: [],
      createdAt,
      lastModifiedAt: createdAt,
      lastEditedAt: null,
      deletedAt: null,
      chainSequence: ++this.sequence,
    };
    messages.set(message.id, message);
    this.announce('created', message);
    return message;
  }

  private change(
    messageId: string,
    apply: (message: ChatMessageRecord, now: number) => void,
    changeType: 'updated' | 'deleted' = 'updated',
  ): ChatMessageRecord {
    const message = this.findMessage(messageId);
    if (!message) throw new TeamsStateError('NotFound', `Message ${messageId} not found.`);
    const now = Math.max(this.clock.now(), message.lastModifiedAt + 1);
    apply(message, now);
    message.lastModifiedAt = now;
    message.chainSequence = ++this.sequence;
    if (message.place.kind === 'channel' && message.replyToId !== null) {
      const root = this.requireChannel(message.place.teamId, message.place.channelId).messages.get(message.replyToId);
      if (root) root.chainSequence = message.chainSequence;
    }
    if (message.place.kind === 'chat') this.requireChat(message.place.chatId).lastUpdatedAt = now;
    this.announce(changeType, message);
    return message;
  }

  private announce(changeType: 'created' | 'updated' | 'deleted', message: ChatMessageRecord): void {
    this.port.emitMessageChanged({
      changeType,
      place: message.place,
      messageId: message.id,
      replyToId: message.replyToId,
      resource: this.messageJson(message),
    });
  }

  private requireUser(userId: string): void {
    if (!this.tenant.users.has(userId)) throw new TeamsStateError('NotFound', `User ${userId} not found.`);
  }

  private requireMember(memberIds: Set<string>, userId: string): void {
    this.requireUser(userId);
    if (!memberIds.has(userId)) throw new TeamsStateError('BadRequest', `User ${userId} is not a member.`);
  }
}
