// The Teams control API over HTTP, for a running `npm start` sandbox (tests may use sandbox.teams in
// process). Loopback only, no bearer token, not throttled or logged, like every /_sandbox/ route.
//   POST   /_sandbox/teams/teams                                                 { displayName, memberIds } → 201 { id, generalChannelId }
//   POST   /_sandbox/teams/teams/:teamId/channels                                { displayName } → 201 { id }
//   POST   /_sandbox/teams/chats                                                 { chatType, memberIds, topic? } → 201 { id }
//   POST   /_sandbox/teams/teams/:teamId/channels/:channelId/messages            message input → 201 { id }
//   POST   /_sandbox/teams/teams/:teamId/channels/:channelId/messages/:id/replies message input → 201 { id }
//   POST   /_sandbox/teams/chats/:chatId/messages                                message input → 201 { id }
//   PATCH  /_sandbox/teams/messages/:messageId                                   { body } → 204
//   POST   /_sandbox/teams/messages/:messageId/reactions                         { userId, reactionType } → 204
//   DELETE /_sandbox/teams/messages/:messageId                                   soft delete → 204
//   POST   /_sandbox/teams/clock/advance                                         { ms } → 204
//   PATCH  /_sandbox/teams/throttling                                            { channelMessageGetsPerWindow?, … } → 204
//   PUT    /_sandbox/teams/apps/:clientId/roles                                  { roles } → 204
//   POST   /_sandbox/teams/subscriptions/:subscriptionId/lifecycle               { event } → 202
// Message input: { fromUserId, body, subject?, mentions?, attachments?, createdDateTime? } (teams-control-schemas.ts).
import { controlRouteAdder, parse } from '../control/control-routes.js';
import { jsonResponse, type SandboxResponse } from '../http/sandbox-http.js';
import type { SandboxContext } from '../sandbox-context.js';
import type { TeamsControl } from './teams-control.js';
import {
  advanceClockSchema,
  createChannelSchema,
  createChatSchema,
  createTeamSchema,
  editMessageSchema,
  messageInputSchema,
  reactionSchema,
  teamsAppRolesSchema,
  teamsLifecycleSchema,
  teamsThrottlingSchema,
} from './teams-control-schemas.js';
import { TeamsStateError } from './teams-state.js';

export function registerTeamsControlRoutes(context: SandboxContext, control: TeamsControl): void {
  const add = controlRouteAdder(context.router, '/_sandbox/teams', (error) => {
    if (error instanceof TeamsStateError)
      return jsonResponse(error.code === 'NotFound' ? 404 : 400, { error: error.code, message: error.message });
    if (error instanceof Error && /subscription/i.test(error.message))
      return jsonResponse(404, { error: 'itemNotFound', message: error.message });
    return undefined;
  });
  const done = (): SandboxResponse => ({ status: 204 });

  add('POST', '/teams', (request) => jsonResponse(201, control.createTeam(parse(createTeamSchema, request))));
  add('POST', '/teams/:teamId/channels', (request, p) =>
    jsonResponse(201, control.createChannel(p.teamId!, parse(createChannelSchema, request))),
  );
  add('POST', '/chats', (request) => jsonResponse(201, control.createChat(parse(createChatSchema, request))));
  add('POST', '/teams/:teamId/channels/:channelId/messages', (request, p) =>
    jsonResponse(201, control.postChannelMessage(p.teamId!, p.channelId!, parse(messageInputSchema, request))),
  );
  add('POST', '/teams/:teamId/channels/:channelId/messages/:messageId/replies', (request, p) =>
    jsonResponse(
      201,
      control.replyToChannelMessage(p.teamId!, p.channelId!, p.messageId!, parse(messageInputSchema, request)),
    ),
  );
  add('POST', '/chats/:chatId/messages', (request, p) =>
    jsonResponse(201, control.postChatMessage(p.chatId!, parse(messageInputSchema, request))),
  );
  add('PATCH', '/messages/:messageId', (request, p) => {
    control.editMessage(p.messageId!, parse(editMessageSchema, request));
    return done();
  });
  add('POST', '/messages/:messageId/reactions', (request, p) => {
    control.react(p.messageId!, parse(reactionSchema, request));
    return done();
  });
  add('DELETE', '/messages/:messageId', (_request, p) => {
    control.softDeleteMessage(p.messageId!);
    return done();
  });
  add('POST', '/clock/advance', (request) => {
    control.advanceClock(parse(advanceClockSchema, request).ms);
    return done();
  });
  add('PATCH', '/throttling', (request) => {
    control.setThrottling(parse(teamsThrottlingSchema, request));
    return done();
  });
  add('PUT', '/apps/:clientId/roles', (request, p) => {
    control.setAppRoles(p.clientId!, parse(teamsAppRolesSchema, request).roles);
    return done();
  });
  add('POST', '/subscriptions/:subscriptionId/lifecycle', (request, p) => {
    control.sendLifecycleEvent(p.subscriptionId!, parse(teamsLifecycleSchema, request).event);
    return { status: 202 };
  });
}
