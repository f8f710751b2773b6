// Who may call which Teams API, from each page's "Permissions" table (least and higher privileged):
// channel-list, channel-get, channel-list-messages, chatmessage-get, chatmessage-list-replies,
// chatmessage-delta, chat-get, chat-list-messages, chat-list. Delegated callers also must be members
// of the team or chat they read (their own chats for /users/{id}/chats). Resource-specific consent
// permissions (ChannelMessage.Read.Group, ChatMessage.Read.Chat) are not modelled.
import type { AccessTokenRecord } from '../identity/identity-state.js';
import { missingPermission } from './teams-errors.js';

export type TeamsApi = 'channels' | 'channelMessages' | 'channelDelta' | 'chat' | 'chatMessages' | 'userChats';

const PERMISSIONS: Record<TeamsApi, { delegated: string[]; application: string[] }> = {
  channels: {
    delegated: ['Channel.ReadBasic.All', 'ChannelSettings.Read.All', 'ChannelSettings.ReadWrite.All'],
    application: ['Channel.ReadBasic.All', 'ChannelSettings.Read.All', 'ChannelSettings.ReadWrite.All'],
  },
  channelMessages: {
    delegated: ['ChannelMessage.Read.All', 'Group.Read.All', 'Group.ReadWrite.All'],
    application: ['ChannelMessage.Read.All', 'Group.Read.All', 'Group.ReadWrite.All'],
  },
  channelDelta: { delegated: ['ChannelMessage.Read.All'], application: ['ChannelMessage.Read.All'] },
  chat: {
    delegated: ['Chat.ReadBasic', 'Chat.Read', 'Chat.ReadWrite'],
    application: ['Chat.ReadBasic.All', 'Chat.Read.All', 'Chat.ReadWrite.All'],
  },
  chatMessages: { delegated: ['Chat.Read', 'Chat.ReadWrite'], application: ['Chat.Read.All', 'Chat.ReadWrite.All'] },
  userChats: {
    delegated: ['Chat.ReadBasic', 'Chat.Read', 'Chat.ReadWrite'],
    application: ['Chat.ReadBasic.All', 'Chat.Read.All', 'Chat.ReadWrite.All'],
  },
};

/** What an app-only token of an app not configured otherwise holds (admin-consented). */
export const DEFAULT_APP_ROLES = ['ChannelMessage.Read.All', 'Chat.Read.All', 'Channel.ReadBasic.All'];

/** Throws 403 Forbidden unless the token holds one of the API's permissions. */
export function requirePermission(api: TeamsApi, token: AccessTokenRecord, appRoles: string[]): void {
  const { delegated, application } = PERMISSIONS[api];
  const lower = (values: string[]) => values.map((value) => value.toLowerCase());
  if (token.userId === null) {
    if (!lower(appRoles).some((role) => lower(application).includes(role)))
      throw missingPermission('role', application, appRoles);
    return;
  }
  if (!lower(token.scopes).some((scope) => lower(delegated).includes(scope)))
    throw missingPermission('scope', delegated, token.scopes);
}

export function holdsPermission(api: TeamsApi, token: AccessTokenRecord, appRoles: string[]): boolean {
  try {
    requirePermission(api, token, appRoles);
    return true;
  } catch {
    return false;
  }
}
