// The Teams module of the sandbox: teams, channels, chats and their messages for the tenant's users,
// Graph's Teams read routes (teams-routes.ts) and the Teams control (sandbox.teams, /_sandbox/teams/).
// Part of the default module set of startSandbox (sandbox.ts). docs/sandbox-teams.md says what is
// modelled, with Microsoft's pages. Teams state is in memory only, as mail's is.
import { safeDecode } from '../http/safe-decode.js';
import type { SandboxContext, SandboxModule } from '../sandbox-context.js';
import { SignedTokenCodec } from '../state/signed-token.js';
import { TeamsControl } from './teams-control.js';
import { registerTeamsControlRoutes } from './teams-control-routes.js';
import { ChannelDelta } from './teams-delta.js';
import { holdsPermission } from './teams-permissions.js';
import type { TeamsDirectory, TeamsSubscribedPlace } from './teams-port.js';
import { registerTeamsRoutes } from './teams-routes.js';
import { TeamsState } from './teams-state.js';
import { TeamsThrottle } from './teams-throttle.js';

/**
 * chatMessage subscription resources (teams-changenotifications-chatmessage): one channel's or one
 * chat's messages, or every channel's or chat's in the tenant. Both `teams/{id}` and `teams('{id}')`.
 */
const CHANNEL_RESOURCE = /^teams(?:\('([^']+)'\)|\/([^/]+))\/channels(?:\('([^']+)'\)|\/([^/]+))\/messages$/i;
const CHAT_RESOURCE = /^chats(?:\('([^']+)'\)|\/([^/]+))\/messages$/i;

export function isTeamsResource(resource: string): boolean {
  const path = resource.replace(/^\//, '').replace(/\/$/, '');
  return (
    CHANNEL_RESOURCE.test(path) ||
    CHAT_RESOURCE.test(path) ||
    /^teams\/getAllMessages$/i.test(path) ||
    /^chats\/getAllMessages$/i.test(path)
  );
}

export function teamsModule(): SandboxModule {
  return (context: SandboxContext) => {
    const port = context.teams;
    const state = new TeamsState(context.tenant, context.clock, port, context.tenantId);
    const codec = new SignedTokenCodec();
    const throttle = new TeamsThrottle();
    const control = new TeamsControl(state, context.clock, throttle, port);
    port.control = control;
    port.directory = directory(state, control);
    registerTeamsControlRoutes(context, control);
    registerTeamsRoutes(context, {
      state,
      delta: new ChannelDelta(codec),
      throttle,
      codec,
      appRoles: (clientId) => control.appRoles(clientId),
    });
    context.onReset(() => {
      state.reset();
      throttle.reset();
      control.reset();
    });
  };
}

function directory(state: TeamsState, control: TeamsControl): TeamsDirectory {
  return {
    resolveResource: (resource) => {
      const path = resource.replace(/^\//, '').replace(/\/$/, '');
      if (/^teams\/getAllMessages$/i.test(path)) return { kind: 'allChannels' };
      if (/^chats\/getAllMessages$/i.test(path)) return { kind: 'allChats' };
      const channel = CHANNEL_RESOURCE.exec(path);
      if (channel) {
        const teamId = safeDecode(channel[1] ?? channel[2]!);
        const channelId = safeDecode(channel[3] ?? channel[4]!);
        if (!state.teams.get(teamId)?.channels.has(channelId))
          return { status: 404, error: `Channel ${channelId} of team ${teamId} not found.` };
        return { kind: 'channel', teamId, channelId };
      }
      const chat = CHAT_RESOURCE.exec(path);
      if (chat) {
        const chatId = safeDecode(chat[1] ?? chat[2]!);
        if (!state.chats.has(chatId)) return { status: 404, error: `Chat ${chatId} not found.` };
        return { kind: 'chat', chatId };
      }
      return { status: 400, error: `Unsupported resource '${resource}' for a chatMessage subscription.` };
    },
    mayRead: (place: TeamsSubscribedPlace, token) => {
      const roles = control.appRoles(token.clientId);
      const channelSide = place.kind === 'channel' || place.kind === 'allChannels';
      // Tenant-wide subscriptions are application-only (teams-changenotifications-chatmessage).
      if ((place.kind === 'allChannels' || place.kind === 'allChats') && token.userId !== null) return false;
      if (!holdsPermission(channelSide ? 'channelDelta' : 'chatMessages', token, roles)) return false;
      if (token.userId === null) return true;
      if (place.kind === 'channel') return state.teams.get(place.teamId)?.memberIds.has(token.userId) ?? false;
      if (place.kind === 'chat') return state.chats.get(place.chatId)?.memberIds.has(token.userId) ?? false;
      return false;
    },
  };
}
