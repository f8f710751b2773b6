// The mail control API over HTTP, for a running `npm start` sandbox (tests use sandbox.mail in
// process). Loopback only, no bearer token, not throttled or logged, like every /_sandbox/ route.
//   GET    /_sandbox/mail/users/:userId/folders/:wellKnownName          → { id }
//   POST   /_sandbox/mail/users/:userId/folders                         { parentFolderId, displayName } → 201 { id }
//   PATCH  /_sandbox/mail/users/:userId/folders/:folderId               { displayName?, destinationFolderId? }
//   DELETE /_sandbox/mail/users/:userId/folders/:folderId
//   POST   /_sandbox/mail/users/:userId/messages                        deliver input → 201 { id }
//   POST   /_sandbox/mail/users/:userId/drafts                          { subject, body?, to? } → 201 { id }
//   PATCH  /_sandbox/mail/users/:userId/messages/:messageId             { subject?, body?, isRead?, flagStatus?, destinationFolderId? }
//   DELETE /_sandbox/mail/users/:userId/messages/:messageId
//   POST   /_sandbox/mail/users/:userId/expire-delta-tokens             { folderId? }
//   POST   /_sandbox/mail/users/:userId/seed                            { folders, messagesPerFolder, bodyBytes? } → { folderIds }
//   POST   /_sandbox/mail/subscriptions/:subscriptionId/lifecycle       { event }
//   PATCH  /_sandbox/mail/throttling                                    { maxConcurrentPerMailbox?, latencyMs?, retryAfterSeconds? }
//   PUT    /_sandbox/mail/apps/:clientId/roles                          { roles }
import { controlRouteAdder, parse } from '../control/control-routes.js';
import { jsonResponse, type SandboxResponse } from '../http/sandbox-http.js';
import type { SandboxContext } from '../sandbox-context.js';
import type { MailControl } from './mail-control.js';
import {
  appRolesSchema,
  createDraftSchema,
  createFolderSchema,
  deliverSchema,
  expireDeltaTokensSchema,
  lifecycleSchema,
  seedSchema,
  throttlingSchema,
  updateFolderSchema,
  updateMessageSchema,
} from './mail-control-schemas.js';
import { MailStateError } from './mail-state.js';

export function registerMailControlRoutes(context: SandboxContext, control: MailControl): void {
  const add = controlRouteAdder(context.router, '/_sandbox/mail', (error) => {
    if (error instanceof MailStateError) {
      const status =
        error.code === 'ErrorItemNotFound' || error.code === 'ErrorInvalidUser'
          ? 404
          : error.code === 'ErrorFolderExists'
            ? 409
            : 400;
      return jsonResponse(status, { error: error.code, message: error.message });
    }
    if (error instanceof Error && /subscription/i.test(error.message))
      return jsonResponse(404, { error: 'itemNotFound', message: error.message });
    return undefined;
  });
  const done = (): SandboxResponse => ({ status: 204 });

  add('GET', '/users/:userId/folders/:name', (_request, p) =>
    jsonResponse(200, { id: control.folderId(p.userId!, p.name!) }),
  );
  add('POST', '/users/:userId/folders', (request, p) =>
    jsonResponse(201, control.createFolder(p.userId!, parse(createFolderSchema, request))),
  );
  add('PATCH', '/users/:userId/folders/:folderId', (request, p) => {
    const input = parse(updateFolderSchema, request);
    if (input.displayName !== undefined) control.renameFolder(p.userId!, p.folderId!, input.displayName);
    if (input.destinationFolderId !== undefined) control.moveFolder(p.userId!, p.folderId!, input.destinationFolderId);
    return done();
  });
  add('DELETE', '/users/:userId/folders/:folderId', (_request, p) => {
    control.deleteFolder(p.userId!, p.folderId!);
    return done();
  });
  add('POST', '/users/:userId/messages', (request, p) => {
    const input = parse(deliverSchema, request);
    const attachments = input.attachments?.map(({ contentBase64, content, ...rest }) => ({
      ...rest,
      content: contentBase64 !== undefined ? Buffer.from(contentBase64, 'base64') : (content ?? ''),
    }));
    return jsonResponse(201, control.deliver(p.userId!, { ...input, attachments }));
  });
  add('POST', '/users/:userId/drafts', (request, p) =>
    jsonResponse(201, control.createDraft(p.userId!, parse(createDraftSchema, request))),
  );
  add('PATCH', '/users/:userId/messages/:messageId', (request, p) => {
    const input = parse(updateMessageSchema, request);
    const { userId, messageId } = p as { userId: string; messageId: string };
    if (input.subject !== undefined || input.body !== undefined)
      control.editDraft(userId, messageId, { subject: input.subject, body: input.body });
    if (input.isRead !== undefined) control.markRead(userId, messageId, input.isRead);
    if (input.flagStatus !== undefined) control.setFlag(userId, messageId, input.flagStatus);
    if (input.destinationFolderId !== undefined) control.moveMessage(userId, messageId, input.destinationFolderId);
    return done();
  });
  add('DELETE', '/users/:userId/messages/:messageId', (_request, p) => {
    control.deleteMessage(p.userId!, p.messageId!);
    return done();
  });
  add('POST', '/users/:userId/expire-delta-tokens', (request, p) => {
    control.expireDeltaTokens(p.userId!, parse(expireDeltaTokensSchema, request).folderId);
    return done();
  });
  add('POST', '/users/:userId/seed', (request, p) =>
    jsonResponse(200, control.seed(p.userId!, parse(seedSchema, request))),
  );
  add('POST', '/subscriptions/:subscriptionId/lifecycle', (request, p) => {
    control.sendLifecycleEvent(p.subscriptionId!, parse(lifecycleSchema, request).event);
    return { status: 202 };
  });
  add('PATCH', '/throttling', (request) => {
    control.setThrottling(parse(throttlingSchema, request));
    return done();
  });
  add('PUT', '/apps/:clientId/roles', (request, p) => {
    control.setAppRoles(p.clientId!, parse(appRolesSchema, request).roles);
    return done();
  });
}
