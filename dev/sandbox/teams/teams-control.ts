// The in-process control of the Teams sandbox (`sandbox.teams`): teams, channels and chats are made
// and messages posted, replied to, edited, reacted to and soft-deleted as users would, so Graph's
// lists, delta and change notifications see exactly what the real service would show. Served over
// HTTP under /_sandbox/teams/ too (teams-control-routes.ts).
import { randomUUID } from 'node:crypto';
import type { SandboxClock } from '../state/sandbox-clock.js';
import type { MessageInput } from './teams-control-schemas.js';
import { DEFAULT_APP_ROLES } from './teams-permissions.js';
import type { TeamsLifecycleEventName, TeamsPort } from './teams-port.js';
import type { NewMessage, TeamsState } from './teams-state.js';
import { TeamsStateError } from './teams-state.js';
import type { TeamsThrottle, TeamsThrottleSettings } from './teams-throttle.js';

export class TeamsControl {
  private readonly roles = new Map<string, string[]>();

  constructor(
    private readonly state: TeamsState,
    private readonly clock: SandboxClock,
    private readonly throttle: TeamsThrottle,
    private readonly port: TeamsPort,
  ) {}

  /** A team of tenant users, with its General channel. */
  createTeam(input: { displayName: string; memberIds: string[] }): { id: string; generalChannelId: string } {
    const team = this.state.createTeam(input.displayName, input.memberIds);
    return { id: team.id, generalChannelId: [...team.channels.keys()][0]! };
  }

  createChannel(teamId: string, input: { displayName: string }): { id: string } {
    return { id: this.state.createChannel(teamId, input.displayName).id };
  }

  createChat(input: { chatType: 'oneOnOne' | 'group'; memberIds: string[]; topic?: string }): { id: string } {
    return { id: this.state.createChat(input.chatType, input.memberIds, input.topic ?? null).id };
  }

  /** A root post in a channel, by a team member. */
  postChannelMessage(teamId: string, channelId: string, input: MessageInput): { id: string } {
    return { id: this.state.postToChannel(teamId, channelId, this.newMessage(input)).id };
  }

  replyToChannelMessage(teamId: string, channelId: string, messageId: string, input: MessageInput): { id: string } {
    return { id: this.state.reply(teamId, channelId, messageId, this.newMessage(input)).id };
  }

  postChatMessage(chatId: string, input: MessageInput): { id: string } {
    return { id: this.state.postToChat(chatId, this.newMessage(input)).id };
  }

  editMessage(messageId: string, input: { body: string }): void {
    this.state.edit(messageId, input.body);
  }

  react(messageId: string, input: { userId: string; reactionType: string }): void {
    this.state.react(messageId, input.userId, input.reactionType);
  }

  softDeleteMessage(messageId: string): void {
    this.state.softDelete(messageId);
  }

  /** Moves the sandbox clock forward (ages messages past the 8-month delta reach-back, tokens, subscriptions). */
  advanceClock(ms: number): void {
    this.clock.advance(ms);
  }

  setThrottling(patch: Partial<TeamsThrottleSettings>): void {
    this.throttle.settings = { ...this.throttle.settings, ...patch };
  }

  /** The application roles an app-only token of `clientId` carries (default: ChannelMessage.Read.All, Chat.Read.All, Channel.ReadBasic.All). */
  setAppRoles(clientId: string, roles: string[]): void {
    this.roles.set(clientId, [...roles]);
  }

  appRoles(clientId: string): string[] {
    return this.roles.get(clientId) ?? DEFAULT_APP_ROLES;
  }

  /** A lifecycle notification to a Teams subscription's lifecycleNotificationUrl; subscriptionRemoved also removes it. */
  sendLifecycleEvent(subscriptionId: string, event: TeamsLifecycleEventName): void {
    if (!this.port.lifecycle) throw new Error('the subscriptions module is not part of this sandbox');
    this.port.lifecycle.send(subscriptionId, event);
  }

  reset(): void {
    this.roles.clear();
  }

  private newMessage(input: MessageInput): NewMessage {
    let createdAt: number | undefined;
    if (input.createdDateTime !== undefined) {
      createdAt = Date.parse(input.createdDateTime);
      if (!Number.isFinite(createdAt) || createdAt > this.clock.now())
        throw new TeamsStateError('BadRequest', 'createdDateTime must be a time not after now.');
    }
    return {
      fromUserId: input.fromUserId,
      bodyHtml: input.body,
      subject: input.subject ?? null,
      mentions: input.mentions,
      attachments: input.attachments?.map((attachment) => ({
        id: attachment.id ?? randomUUID(),
        contentType: attachment.contentType,
        contentUrl: attachment.contentUrl ?? null,
        content: attachment.content ?? null,
        name: attachment.name ?? null,
      })),
      createdAt,
    };
  }
}
