// Graph's mail endpoints under /v1.0/me/… and /v1.0/users/{id}/… (mailFolders, childFolders,
// messages, delta, $value, attachments). Registered before the drive routes' /v1.0 catch-all.
// Every request is authenticated with the drive routes' authenticate(), checked for the Mail.Read
// or Mail.ReadWrite permission (message-get, message-delta, mailfolder-delta "Permissions"),
// counted against the per-mailbox concurrency limit, then charged to the request budget.
import { safeDecode } from '../http/safe-decode.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate } from '../graph/graph-routes.js';
import { graphError, tooManyRequests } from '../graph/graph-errors.js';
import { jsonResponse, type SandboxRequest, type SandboxResponse } from '../http/sandbox-http.js';
import type { AccessTokenRecord } from '../identity/identity-state.js';
import type { SandboxContext } from '../sandbox-context.js';
import {
  accessDenied,
  idMalformed,
  invalidUrlQuery,
  invalidUser,
  itemNotFound,
  mailboxConcurrency,
  mailErrorResponse,
  MailRequestError,
  meWithoutUser,
  parseUri,
  syncStateNotFound,
  unsupportedOData,
} from './mail-errors.js';
import type { MailDeltaEngine } from './mail-delta.js';
import { queryFromKey, queryKeyOf, SyncStateNotFoundError, type MessageDeltaQuery } from './mail-delta.js';
import { looksLikeId } from './mail-ids.js';
import type { MailboxRecord, MailFolderRecord, MessageRecord } from './mail-model.js';
import type { MailDirectory } from './mail-port.js';
import {
  allowOnly,
  hasDeltaOptions,
  listFilter,
  messageDeltaQuery,
  parseTop,
  preferences,
  type Preferences,
} from './mail-query.js';
import type { MailState } from './mail-state.js';
import { MailStateError } from './mail-state.js';
import type { MailboxConcurrency } from './mailbox-throttle.js';
import { mimeOf, MIME_CONTENT_TYPE } from './mime.js';
import {
  attachmentJson,
  findAttachment,
  FOLDER_PROPERTIES,
  folderJson,
  MESSAGE_PROPERTIES,
  messageJson,
  parseSelect,
  SelectError,
} from './message-json.js';

export interface MailRouteDeps {
  state: MailState;
  delta: MailDeltaEngine;
  throttle: MailboxConcurrency;
  directory: MailDirectory;
}

/** Graph's default page of messages and folders is 10 (user-list-messages, mailfolder-list-childfolders). */
const DEFAULT_PAGE_SIZE = 10;
const MAIL_SCOPES = new Set(['mail.read', 'mail.readwrite']);

interface Call {
  context: SandboxContext;
  deps: MailRouteDeps;
  request: SandboxRequest;
  mailbox: MailboxRecord;
  prefs: Preferences;
  /** "me" or "users/{id}", as the request named the mailbox: links keep that form. */
  prefix: string;
}

export function registerMailRoutes(context: SandboxContext, deps: MailRouteDeps): void {
  context.router.add('*', /^\/v1\.0\/(?:me|users\/[^/]+)\/(?:mailfolders|messages)(?:[/(].*)?$/i, 'graph', (request) =>
    handleMail(context, deps, request),
  );
}

async function handleMail(
  context: SandboxContext,
  deps: MailRouteDeps,
  request: SandboxRequest,
): Promise<SandboxResponse> {
  const token = authenticate(context, request);
  if ('status' in token) return token;
  const now = context.clock.now();
  const fail = (error: unknown): SandboxResponse => ({
    ...errorResponse(context, request, error),
    userId: token.userId,
  });
  let call: Call;
  let segments: string[];
  try {
    ({ call, segments } = openCall(context, deps, request, token));
  } catch (error) {
    return fail(error);
  }
  const { throttle } = deps;
  const mailboxUserId = call.mailbox.userId;
  if (!throttle.enter(token.clientId, mailboxUserId))
    return fail(mailboxConcurrency(throttle.settings.retryAfterSeconds));
  try {
    const decision = context.budget.charge(token.userId ?? `app:${token.clientId}`, token.clientId, 1, now);
    if (!decision.allowed)
      return {
        ...tooManyRequests(request, decision.retryAfterSeconds, now, decision.headers),
        ru: 0,
        userId: token.userId,
      };
    // The request holds its slot for the configured latency: how concurrency becomes observable.
    if (throttle.settings.latencyMs > 0) await sleep(throttle.settings.latencyMs);
    let response: SandboxResponse;
    try {
      response = route(call, segments);
    } catch (error) {
      response = errorResponse(context, request, error);
    }
    return { ...response, headers: { ...decision.headers, ...response.headers }, ru: 1, userId: token.userId };
  } finally {
    throttle.leave(token.clientId, mailboxUserId);
  }
}

/** Resolves the mailbox and checks the caller may read it. */
function openCall(
  context: SandboxContext,
  deps: MailRouteDeps,
  request: SandboxRequest,
  token: AccessTokenRecord,
): { call: Call; segments: string[] } {
  const raw = request.path.replace(/^\/v1\.0\//, '').split('/');
  let userId: string;
  let prefix: string;
  let rest: string[];
  if (raw[0]!.toLowerCase() === 'me') {
    if (token.userId === null) throw meWithoutUser();
    userId = token.userId;
    prefix = 'me';
    rest = raw.slice(1);
  } else {
    const named = safeDecode(raw[1]!);
    const resolved = deps.directory.resolveUser(named);
    if (!resolved) throw invalidUser(named);
    userId = resolved;
    prefix = `users/${encodeURIComponent(named)}`;
    rest = raw.slice(2);
  }
  if (token.userId === null) {
    if (!deps.directory.appHasMailRole(token.clientId)) throw accessDenied();
  } else {
    // Delegated Mail.Read reaches the signed-in user's own mailbox only.
    const scoped = token.scopes.some((scope) => MAIL_SCOPES.has(scope.toLowerCase()));
    if (!scoped || userId !== token.userId) throw accessDenied();
  }
  if (request.method !== 'GET') {
    throw new MailRequestError(
      405,
      'notSupported',
      'The sandbox changes mail through its control API (/_sandbox/mail/), not through Graph writes.',
    );
  }
  const mailbox = deps.state.mailbox(userId);
  return {
    call: { context, deps, request, mailbox, prefs: preferences(request), prefix },
    segments: normalizeSegments(rest),
  };
}

/** `mailFolders('inbox')` and `mailFolders/inbox` are the same address; names are case-insensitive. */
function normalizeSegments(raw: string[]): string[] {
  const segments: string[] = [];
  for (const encoded of raw) {
    const segment = safeDecode(encoded);
    const keyed = /^([A-Za-z]+)\((?:'([^']*)'|([^)]*))\)$/.exec(segment);
    if (keyed) {
      segments.push(keyed[1]!.toLowerCase());
      const key = keyed[2] ?? keyed[3] ?? '';
      if (key !== '') segments.push(key);
    } else {
      const lower = segment.toLowerCase();
      segments.push(
        ['mailfolders', 'childfolders', 'messages', 'delta', 'attachments', '$value'].includes(lower) ? lower : segment,
      );
    }
  }
  return segments;
}

function route(call: Call, segments: string[]): SandboxResponse {
  const [first, second, ...rest] = segments;
  if (first === 'mailfolders') {
    if (second === undefined) return listFolders(call, rootOf(call));
    if (second === 'delta' && rest.length === 0) return folderDelta(call);
    let folder = resolveFolder(call, second);
    let index = 0;
    while (rest[index] === 'childfolders' && rest[index + 1] !== undefined) {
      const child = resolveFolder(call, rest[index + 1]!);
      if (child.parentFolderId !== folder.id) throw itemNotFound();
      folder = child;
      index += 2;
    }
    const tail = rest.slice(index);
    if (tail.length === 0) return getFolder(call, folder);
    if (tail.length === 1 && tail[0] === 'childfolders') return listFolders(call, folder);
    if (tail[0] === 'messages') {
      if (tail.length === 1) return listMessages(call, folder);
      if (tail.length === 2 && tail[1] === 'delta') return messageDelta(call, folder);
      const message = resolveMessage(call, tail[1]!);
      if (message.folderId !== folder.id) throw itemNotFound();
      // Observed: $value under a folder path answers 405 (microsoftgraph/microsoft-graph-docs-contrib#2755).
      if (tail[2] === '$value') throw unsupportedOData();
      return messageOperation(call, message, tail.slice(2));
    }
  }
  if (first === 'messages') {
    if (second === undefined) return listMessages(call, undefined);
    if (second === 'delta')
      throw new MailRequestError(
        400,
        'ErrorInvalidRequest',
        'Delta is tracked per folder: use mailFolders/{id}/messages/delta.',
      );
    return messageOperation(call, resolveMessage(call, second), rest);
  }
  throw new MailRequestError(400, 'BadRequest', `Resource not found for the segment '${segments.join('/')}'.`);
}

function messageOperation(call: Call, message: MessageRecord, rest: string[]): SandboxResponse {
  const { request, mailbox, prefs } = call;
  if (rest.length === 0) {
    allowOnly(request, ['$select']);
    const select = selectMessages(request);
    return jsonResponse(200, {
      '@odata.context': `${metadata(call)}/messages/$entity`,
      ...messageJson(mailbox, message, {
        immutable: prefs.immutableIds,
        select,
        inDelta: false,
        bodyContentType: prefs.bodyContentType,
      }),
    });
  }
  if (rest.length === 1 && rest[0] === '$value') {
    allowOnly(request, []);
    return { status: 200, headers: { 'content-type': MIME_CONTENT_TYPE }, body: mimeOf(message) };
  }
  if (rest[0] === 'attachments') {
    if (rest.length === 1) {
      // List attachments supports $select (https://learn.microsoft.com/graph/api/message-list-attachments),
      // which is how a client leaves out every attachment's contentBytes; @odata.type always comes.
      allowOnly(request, ['$select']);
      const select = parseSelect(
        request.url.searchParams.get('$select'),
        ATTACHMENT_PROPERTIES,
        'microsoft.graph.attachment',
      );
      return jsonResponse(200, {
        '@odata.context': `${metadata(call)}/messages('${message.regularId}')/attachments`,
        value: message.attachments.map((attachment) => {
          const json: Record<string, unknown> = attachmentJson(message, attachment, prefs.immutableIds);
          if (!select) return json;
          return Object.fromEntries(
            Object.entries(json).filter(([key]) => key === '@odata.type' || key === 'id' || select.includes(key)),
          );
        }),
      });
    }
    allowOnly(request, []);
    const attachment = findAttachment(message, rest[1]!);
    if (!attachment) throw itemNotFound();
    if (rest.length === 2)
      return jsonResponse(200, {
        '@odata.context': `${metadata(call)}/messages('${message.regularId}')/attachments/$entity`,
        ...attachmentJson(message, attachment, prefs.immutableIds),
      });
    if (rest.length === 3 && rest[2] === '$value')
      return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: attachment.content };
  }
  throw new MailRequestError(400, 'BadRequest', 'Unsupported message path.');
}

function getFolder(call: Call, folder: MailFolderRecord): SandboxResponse {
  allowOnly(call.request, ['$select']);
  return jsonResponse(200, {
    '@odata.context': `${metadata(call)}/mailFolders/$entity`,
    ...folderJson(folder, selectFolders(call.request)),
  });
}

function listFolders(call: Call, parent: MailFolderRecord): SandboxResponse {
  const { request, mailbox } = call;
  allowOnly(request, ['$select', '$top', '$skip']);
  const select = selectFolders(request);
  const children = [...parent.childIds].map((id) => mailbox.folders.get(id)!);
  return page(call, children, (folder) => folderJson(folder, select), `${metadata(call)}/mailFolders`);
}

function listMessages(call: Call, folder: MailFolderRecord | undefined): SandboxResponse {
  const { request, mailbox, prefs } = call;
  allowOnly(request, ['$select', '$top', '$skip', '$filter', '$orderby']);
  const select = selectMessages(request);
  const predicate = listFilter(request.url.searchParams.get('$filter'));
  const orderBy = request.url.searchParams.get('$orderby') ?? 'receivedDateTime desc';
  const order = /^\s*receivedDateTime(?:\s+(asc|desc))?\s*$/i.exec(orderBy);
  if (!order) throw invalidUrlQuery("The sandbox orders messages by 'receivedDateTime' only.");
  const serials = folder
    ? [...folder.messageSerials]
    : [...mailbox.folders.values()].flatMap((current) => [...current.messageSerials]);
  const messages = serials.map((serial) => mailbox.messages.get(serial)!).filter((m) => !predicate || predicate(m));
  const direction = (order[1] ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
  messages.sort((a, b) => direction * (a.receivedAt - b.receivedAt) || a.serial - b.serial);
  const options = { immutable: prefs.immutableIds, select, inDelta: false, bodyContentType: prefs.bodyContentType };
  return page(call, messages, (message) => messageJson(mailbox, message, options), `${metadata(call)}/messages`);
}

function page<T>(call: Call, all: T[], toJson: (value: T) => unknown, odataContext: string): SandboxResponse {
  const { request, prefs } = call;
  const top = parseTop(request) ?? prefs.maxPageSize ?? DEFAULT_PAGE_SIZE;
  const skipRaw = request.url.searchParams.get('$skip') ?? '0';
  const skip = Number(skipRaw);
  if (!Number.isInteger(skip) || skip < 0) throw invalidUrlQuery(`The value '${skipRaw}' of '$skip' is not valid.`);
  const body: Record<string, unknown> = {
    '@odata.context': odataContext,
    value: all.slice(skip, skip + top).map(toJson),
  };
  if (skip + top < all.length) {
    const next = new URL(request.url);
    next.searchParams.set('$skip', String(skip + top));
    body['@odata.nextLink'] = next.toString();
  }
  return jsonResponse(200, body);
}

function folderDelta(call: Call): SandboxResponse {
  const { request, deps, mailbox, prefs } = call;
  allowOnly(request, ['$select', '$skiptoken', '$deltatoken']);
  const select = selectFolders(request);
  const token = deltaToken(request);
  const result = deps.delta.serveFolders(mailbox, token, prefs.maxPageSize ?? DEFAULT_PAGE_SIZE);
  const base = `${graphBase(call)}/${call.prefix}/mailFolders/delta`;
  const value = result.entries.map((entry) =>
    entry.kind === 'folder'
      ? folderJson(entry.folder, select)
      : { id: entry.folderId, '@removed': { reason: 'deleted' } },
  );
  return jsonResponse(200, {
    '@odata.context': `${graphBase(call)}/$metadata#Collection(mailFolder)`,
    ...links(base, result),
    value,
  });
}

function messageDelta(call: Call, folder: MailFolderRecord): SandboxResponse {
  const { request, deps, mailbox, prefs } = call;
  allowOnly(request, ['$select', '$filter', '$orderby', '$top', '$skiptoken', '$deltatoken']);
  const token = deltaToken(request);
  let query: MessageDeltaQuery;
  if (token === undefined) {
    query = messageDeltaQuery(request, selectMessages(request));
  } else {
    // The options of the round's first request travel inside its tokens (message-delta "Query parameters").
    const key = deps.delta.queryKeyOfToken(token);
    if (key === undefined || key === '') throw syncStateNotFound('The sync state could not be found.');
    if (hasDeltaOptions(request) && queryKeyOf(messageDeltaQuery(request, selectMessages(request))) !== key)
      throw invalidUrlQuery('The query options of a delta link cannot be changed: start a new round instead.');
    query = queryFromKey(key);
  }
  const pageSize = prefs.maxPageSize ?? parseTop(request) ?? DEFAULT_PAGE_SIZE;
  const result = deps.delta.serveMessages(mailbox, folder, token, query, pageSize);
  const options = {
    immutable: prefs.immutableIds,
    select: query.select,
    inDelta: true,
    bodyContentType: prefs.bodyContentType,
  };
  const value = result.entries.map((entry) =>
    entry.kind === 'message'
      ? messageJson(mailbox, entry.message, options)
      : {
          '@odata.type': '#microsoft.graph.message',
          id: prefs.immutableIds ? entry.left.immutableId : entry.left.regularId,
          '@removed': { reason: 'deleted' },
        },
  );
  const base = `${graphBase(call)}/${call.prefix}/mailFolders('${folder.id}')/messages/delta`;
  return jsonResponse(200, {
    '@odata.context': `${graphBase(call)}/$metadata#Collection(message)`,
    ...links(base, result),
    value,
  });
}

function links(base: string, result: { skipToken?: string; deltaToken?: string }): Record<string, string> {
  if (result.skipToken) return { '@odata.nextLink': `${base}?$skiptoken=${encodeURIComponent(result.skipToken)}` };
  return { '@odata.deltaLink': `${base}?$deltatoken=${encodeURIComponent(result.deltaToken!)}` };
}

function deltaToken(request: SandboxRequest): string | undefined {
  const skip = request.url.searchParams.get('$skiptoken');
  const delta = request.url.searchParams.get('$deltatoken');
  if (skip !== null && delta !== null) throw invalidUrlQuery('Only one of $skiptoken and $deltatoken can be given.');
  return skip ?? delta ?? undefined;
}

function resolveFolder(call: Call, idOrName: string): MailFolderRecord {
  const folder = call.deps.state.findFolder(call.mailbox, idOrName);
  if (folder) return folder;
  throw looksLikeId(idOrName) ? itemNotFound() : idMalformed();
}

function resolveMessage(call: Call, id: string): MessageRecord {
  const message = call.deps.state.findMessage(call.mailbox, id);
  if (message) return message;
  throw looksLikeId(id) ? itemNotFound() : idMalformed();
}

function rootOf(call: Call): MailFolderRecord {
  return call.mailbox.folders.get(call.mailbox.rootId)!;
}

const ATTACHMENT_PROPERTIES = [
  'id',
  'name',
  'contentType',
  'size',
  'isInline',
  'lastModifiedDateTime',
  'contentId',
  'contentLocation',
  'contentBytes',
];

function selectMessages(request: SandboxRequest): string[] | undefined {
  return parseSelect(request.url.searchParams.get('$select'), MESSAGE_PROPERTIES, 'microsoft.graph.message');
}

function selectFolders(request: SandboxRequest): string[] | undefined {
  return parseSelect(request.url.searchParams.get('$select'), FOLDER_PROPERTIES, 'microsoft.graph.mailFolder');
}

function graphBase(call: Call): string {
  return `${call.context.baseUrl()}/v1.0`;
}

function metadata(call: Call): string {
  return `${graphBase(call)}/$metadata#users('${call.mailbox.userId}')`;
}

function errorResponse(context: SandboxContext, request: SandboxRequest, error: unknown): SandboxResponse {
  const now = context.clock.now();
  if (error instanceof MailRequestError) return mailErrorResponse(request, error, now);
  if (error instanceof SelectError) return mailErrorResponse(request, parseUri(error.message), now);
  if (error instanceof SyncStateNotFoundError) return mailErrorResponse(request, syncStateNotFound(error.message), now);
  if (error instanceof MailStateError) {
    const status = error.code === 'ErrorItemNotFound' || error.code === 'ErrorInvalidUser' ? 404 : 400;
    return graphError(request, status, error.code, error.message, now);
  }
  throw error;
}
