// Drive API v3 routes: files.list, files.get (metadata and `alt=media`), files.export,
// changes.getStartPageToken, changes.list, changes.watch and channels.stop. Each parameter rule cites
// the reference page it follows; parameters the sandbox does not know are refused, so a client that
// sends something Drive would read differently finds out here.
import { createHash } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../http/sandbox-http.js';
import type { SeededRandom } from '../state/seeded-random.js';
import type { ChannelHub } from './channels.js';
import {
  CHANGE_LIST_FIELDS,
  changeJson,
  DEFAULT_CHANGE_LIST_FIELDS,
  DEFAULT_FILE_FIELDS,
  DEFAULT_FILE_LIST_FIELDS,
  FILE_FIELDS,
  FILE_LIST_FIELDS,
  fileJson,
} from './drive-json.js';
import { FOLDER_MIME, NATIVE_EXPORTS, type DriveFile, type DriveModel } from './drive-model.js';
import { fail, fileNotFound, invalidParameter } from './google-errors.js';
import { applyMask, parseFields, type KnownFields } from './partial-response.js';

/** "The maximum … exported content is limited to 10 MB" (https://developers.google.com/workspace/drive/api/reference/rest/v3/files/export). */
export const EXPORT_SIZE_LIMIT_BYTES = 10 * 1024 * 1024;

export interface DriveRouteContext {
  model: DriveModel;
  channels: ChannelHub;
  random: SeededRandom;
  baseUrl: () => string;
  settings: () => { shortPageChance: number };
}

export interface Caller {
  userId: string;
}

/** Standard query parameters every Google API accepts (https://cloud.google.com/apis/docs/system-parameters). */
const SYSTEM_PARAMETERS = ['alt', 'fields', 'prettyPrint', 'quotaUser', 'key', 'access_token', '$.xgafv', 'callback'];

type Handler = (request: SandboxRequest, caller: Caller, params: Record<string, string>) => SandboxResponse;

export function driveRoutes(context: DriveRouteContext): { method: string; pattern: RegExp; handler: Handler }[] {
  return [
    { method: 'GET', pattern: /^\/drive\/v3\/files$/, handler: (r, c) => listFiles(context, r, c) },
    {
      method: 'GET',
      pattern: /^\/drive\/v3\/drives\/(?<id>[^/]+)$/,
      handler: (r, c, p) => getDrive(context, r, c, p.id!),
    },
    {
      method: 'GET',
      pattern: /^\/drive\/v3\/files\/(?<id>[^/]+)\/export$/,
      handler: (r, c, p) => exportFile(context, r, c, p.id!),
    },
    {
      method: 'GET',
      pattern: /^\/drive\/v3\/files\/(?<id>[^/]+)$/,
      handler: (r, c, p) => getFile(context, r, c, p.id!),
    },
    {
      method: 'GET',
      pattern: /^\/drive\/v3\/changes\/startPageToken$/,
      handler: (r, c) => startPageToken(context, r, c),
    },
    { method: 'GET', pattern: /^\/drive\/v3\/changes$/, handler: (r, c) => listChanges(context, r, c) },
    { method: 'POST', pattern: /^\/drive\/v3\/changes\/watch$/, handler: (r, c) => watchChanges(context, r, c) },
    { method: 'POST', pattern: /^\/drive\/v3\/channels\/stop$/, handler: (r, c) => stopChannel(context, r, c) },
  ];
}

function query(request: SandboxRequest, allowed: readonly string[]): URLSearchParams {
  const params = request.url.searchParams;
  for (const name of params.keys()) {
    if (!allowed.includes(name) && !SYSTEM_PARAMETERS.includes(name)) {
      fail(400, { reason: 'invalidParameter', message: `Invalid parameter: ${name}`, location: name });
    }
  }
  return params;
}

function bool(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = params.get(name);
  if (value === null) return fallback;
  if (value !== 'true' && value !== 'false') invalidParameter(name);
  return value === 'true';
}

function pageSize(params: URLSearchParams, fallback: number): number {
  const raw = params.get('pageSize');
  if (raw === null) return fallback;
  const size = Number(raw);
  // files.list and changes.list: "Acceptable values are 1 to 1000, inclusive."
  if (!Number.isInteger(size) || size < 1 || size > 1000) invalidParameter('pageSize');
  return size;
}

function json(status: number, body: unknown): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(body) };
}

function masked(
  params: URLSearchParams,
  body: Record<string, unknown>,
  fallback: string,
  known: KnownFields,
): SandboxResponse {
  return json(200, applyMask(body, parseFields(params.get('fields') ?? fallback), known));
}

/** A page that may end early: Drive says a page can hold fewer items than asked, even none, before the end. */
function pageLength(context: DriveRouteContext, size: number): number {
  return context.random.chance(context.settings().shortPageChance) ? context.random.int(0, size - 1) : size;
}

/** The file a caller may see, honouring supportsAllDrives for shared drive items. */
function visibleFile(context: DriveRouteContext, caller: Caller, id: string, supportsAllDrives: boolean): DriveFile {
  const user = context.model.users.get(caller.userId)!;
  const file = context.model.files.get(id === 'root' ? user.rootId : id);
  if (!file || !context.model.canAccess(caller.userId, file)) fileNotFound(id);
  // Without supportsAllDrives a shared drive item is not found (https://developers.google.com/workspace/drive/api/guides/enable-shareddrives).
  if (file.driveId && !supportsAllDrives) fileNotFound(id);
  return file;
}

/** The subset of the files.list `q` language the sandbox evaluates (https://developers.google.com/workspace/drive/api/guides/ref-search-terms). */
function parseQuery(q: string | null): (file: DriveFile) => boolean {
  if (q === null || q.trim() === '') return () => true;
  const tests = q.split(/\s+and\s+/i).map((term) => {
    const trimmed = term.trim();
    let match = /^trashed\s*=\s*(true|false)$/.exec(trimmed);
    if (match) {
      const wanted = match[1] === 'true';
      return (file: DriveFile) => file.trashed === wanted;
    }
    match = /^'([^']+)'\s+in\s+parents$/.exec(trimmed);
    if (match) {
      const parent = match[1]!;
      return (file: DriveFile) => file.parents.includes(parent);
    }
    // name = 'text', with \' and \\ escapes as the search guide describes.
    match = /^name\s*=\s*'((?:[^'\\]|\\.)*)'$/.exec(trimmed);
    if (match) {
      const name = match[1]!.replace(/\\(.)/g, '$1');
      return (file: DriveFile) => file.name === name;
    }
    match = /^mimeType\s*(=|!=)\s*'([^']+)'$/.exec(trimmed);
    if (match) {
      const [, op, mime] = match;
      return (file: DriveFile) => (op === '=' ? file.mimeType === mime : file.mimeType !== mime);
    }
    return invalidParameter('q', 'Invalid Value');
  });
  return (file) => tests.every((test) => test(file));
}

interface DriveScope {
  driveId?: string;
  includeAllDrives: boolean;
}

/** corpora / driveId / includeItemsFromAllDrives / supportsAllDrives, as files.list's reference sets them out. */
function driveScope(
  context: DriveRouteContext,
  caller: Caller,
  params: URLSearchParams,
  withCorpora: boolean,
): DriveScope {
  const supportsAllDrives = bool(params, 'supportsAllDrives', false);
  const includeItems = bool(params, 'includeItemsFromAllDrives', false);
  const driveId = params.get('driveId') ?? undefined;
  const corpora = withCorpora ? (params.get('corpora') ?? (driveId ? undefined : 'user')) : undefined;
  if (withCorpora && corpora !== undefined && !['user', 'drive', 'allDrives', 'domain'].includes(corpora)) {
    invalidParameter('corpora');
  }
  if (withCorpora && corpora === 'drive' && !driveId) {
    fail(400, {
      reason: 'invalid',
      message: 'The driveId parameter must be specified when corpora is drive.',
      location: 'driveId',
    });
  }
  if (driveId) {
    if (withCorpora && corpora !== 'drive') invalidParameter('corpora');
    if (!supportsAllDrives || !includeItems) {
      fail(403, {
        reason: 'teamDrivesParameterRequired',
        message:
          'The includeItemsFromAllDrives and supportsAllDrives parameters must be set to true when driveId is specified.',
        location: 'driveId',
      });
    }
    const drive = context.model.drives.get(driveId);
    if (!drive || !drive.memberUserIds.has(caller.userId)) {
      fail(404, { reason: 'notFound', message: `Shared drive not found: ${driveId}`, location: 'driveId' });
    }
  }
  if (includeItems && !supportsAllDrives) {
    invalidParameter('includeItemsFromAllDrives');
  }
  return { driveId, includeAllDrives: includeItems && supportsAllDrives };
}

function inScope(context: DriveRouteContext, caller: Caller, scope: DriveScope, file: DriveFile): boolean {
  if (scope.driveId) return file.driveId === scope.driveId;
  if (file.driveId) return scope.includeAllDrives && context.model.canAccess(caller.userId, file);
  return file.ownerUserId === caller.userId;
}

function listFiles(context: DriveRouteContext, request: SandboxRequest, caller: Caller): SandboxResponse {
  const params = query(request, [
    'q',
    'pageSize',
    'pageToken',
    'corpora',
    'driveId',
    'supportsAllDrives',
    'includeItemsFromAllDrives',
    'spaces',
    'orderBy',
  ]);
  const scope = driveScope(context, caller, params, true);
  const size = pageSize(params, 100);
  const filter = parseQuery(params.get('q'));
  if ((params.get('spaces') ?? 'drive') !== 'drive') invalidParameter('spaces');
  if (params.get('orderBy') !== null) invalidParameter('orderBy', 'Sorting is not supported by the sandbox.');
  // A page token belongs to the request that made it (same q, corpora, drive): anything else is refused.
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([params.get('q'), scope, params.get('corpora')]))
    .digest('base64url')
    .slice(0, 12);
  let after = 0;
  const token = params.get('pageToken');
  if (token !== null) {
    const match = /^(\d+)~([A-Za-z0-9_-]{12})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!match || match[2] !== fingerprint) invalidParameter('pageToken');
    after = Number(match[1]);
  }
  const wanted = pageLength(context, size);
  const files: DriveFile[] = [];
  let more = false;
  for (const file of context.model.files.values()) {
    if (file.order <= after || file.isRoot || !inScope(context, caller, scope, file) || !filter(file)) continue;
    if (files.length >= wanted) {
      more = true;
      break;
    }
    files.push(file);
  }
  const last = files.at(-1)?.order ?? after;
  const body: Record<string, unknown> = {
    kind: 'drive#fileList',
    incompleteSearch: false,
    files: files.map((file) => fileJson(file, context.baseUrl())),
    ...(more ? { nextPageToken: Buffer.from(`${last}~${fingerprint}`).toString('base64url') } : {}),
  };
  return masked(params, body, DEFAULT_FILE_LIST_FIELDS, FILE_LIST_FIELDS);
}

function getFile(context: DriveRouteContext, request: SandboxRequest, caller: Caller, id: string): SandboxResponse {
  const params = query(request, ['supportsAllDrives', 'acknowledgeAbuse']);
  const file = visibleFile(context, caller, id, bool(params, 'supportsAllDrives', false));
  if (params.get('alt') === 'media') return media(file, request);
  if (params.get('alt') !== null && params.get('alt') !== 'json') invalidParameter('alt');
  return masked(params, fileJson(file, context.baseUrl()), DEFAULT_FILE_FIELDS, FILE_FIELDS);
}

/** `alt=media`: the bytes, with Range (https://developers.google.com/workspace/drive/api/guides/manage-downloads). */
function media(file: DriveFile, request: SandboxRequest): SandboxResponse {
  if (!file.content) {
    // Docs Editors files and folders have no bytes: "Only files with binary content can be downloaded."
    fail(403, {
      reason: 'fileNotDownloadable',
      message: 'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
      location: 'alt',
    });
  }
  const content = file.content;
  const headers: Record<string, string> = {
    'content-type': file.mimeType,
    'accept-ranges': 'bytes',
    etag: `"${file.headRevisionId}"`,
  };
  const range = typeof request.headers.range === 'string' ? request.headers.range : undefined;
  if (!range) return { status: 200, headers: { ...headers, 'content-length': String(content.length) }, body: content };
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  let start = match?.[1] ? Number(match[1]) : undefined;
  let end = match?.[2] ? Number(match[2]) : undefined;
  if (match && start === undefined && end !== undefined) {
    start = Math.max(0, content.length - end);
    end = content.length - 1;
  }
  if (!match || start === undefined || start >= content.length || (end !== undefined && end < start)) {
    return { status: 416, headers: { 'content-range': `bytes */${content.length}` }, body: '' };
  }
  const last = Math.min(end ?? content.length - 1, content.length - 1);
  const slice = content.subarray(start, last + 1);
  return {
    status: 206,
    headers: {
      ...headers,
      'content-length': String(slice.length),
      'content-range': `bytes ${start}-${last}/${content.length}`,
    },
    body: slice,
  };
}

/** files.export: Docs Editors files only, to a supported type, at most 10 MB. */
function exportFile(context: DriveRouteContext, request: SandboxRequest, caller: Caller, id: string): SandboxResponse {
  const params = query(request, ['mimeType']);
  // files.export takes no supportsAllDrives: it reaches shared drive files too.
  const file = visibleFile(context, caller, id, true);
  const targets = NATIVE_EXPORTS[file.mimeType];
  if (!targets) {
    fail(403, { reason: 'fileNotExportable', message: 'Export only supports Docs Editors files.', location: 'fileId' });
  }
  const mimeType = params.get('mimeType');
  if (!mimeType) fail(400, { reason: 'required', message: 'Required parameter: mimeType', location: 'mimeType' });
  if (!targets.includes(mimeType)) {
    fail(400, { reason: 'badRequest', message: 'The requested conversion is not supported.', location: 'mimeType' });
  }
  const size = file.exportSizeBytes ?? 0;
  if (size > EXPORT_SIZE_LIMIT_BYTES) {
    fail(403, { reason: 'exportSizeLimitExceeded', message: 'This file is too large to be exported.' });
  }
  const seed = Buffer.from(`${file.id}:${file.version}:${mimeType}\n`);
  const body = Buffer.alloc(size);
  for (let offset = 0; offset < size; offset += seed.length) seed.copy(body, offset);
  return { status: 200, headers: { 'content-type': mimeType, 'content-length': String(size) }, body };
}

/** drives.get (https://developers.google.com/workspace/drive/api/reference/rest/v3/drives/get): members only. */
function getDrive(context: DriveRouteContext, request: SandboxRequest, caller: Caller, id: string): SandboxResponse {
  const params = query(request, ['useDomainAdminAccess']);
  const drive = context.model.drives.get(id);
  if (!drive || !drive.memberUserIds.has(caller.userId)) {
    fail(404, { reason: 'notFound', message: `Shared drive not found: ${id}`, location: 'driveId' });
  }
  const body = { kind: 'drive#drive', id: drive.id, name: drive.name };
  return json(200, applyMask(body, parseFields(params.get('fields') ?? 'kind,id,name'), DRIVE_FIELDS));
}

const DRIVE_FIELDS: KnownFields = { fields: { kind: true, id: true, name: true, createdTime: true, hidden: true } };

function startPageToken(context: DriveRouteContext, request: SandboxRequest, caller: Caller): SandboxResponse {
  const params = query(request, ['driveId', 'supportsAllDrives']);
  const driveId = params.get('driveId');
  if (driveId) {
    if (!bool(params, 'supportsAllDrives', false)) invalidParameter('supportsAllDrives');
    const drive = context.model.drives.get(driveId);
    if (!drive || !drive.memberUserIds.has(caller.userId)) {
      fail(404, { reason: 'notFound', message: `Shared drive not found: ${driveId}`, location: 'driveId' });
    }
  }
  return json(200, { kind: 'drive#startPageToken', startPageToken: String(context.model.startPageToken()) });
}

const CHANGE_PARAMS = [
  'pageToken',
  'pageSize',
  'includeRemoved',
  'restrictToMyDrive',
  'driveId',
  'supportsAllDrives',
  'includeItemsFromAllDrives',
  'spaces',
  'includeCorpusRemovals',
] as const;

/** A change page token: a position in the change log that has not been invalidated. */
export function changeToken(context: DriveRouteContext, params: URLSearchParams): number {
  const raw = params.get('pageToken');
  if (raw === null) fail(400, { reason: 'required', message: 'Required parameter: pageToken', location: 'pageToken' });
  const token = Number(raw);
  // "If the token is rejected for any reason, it should be discarded, and pagination should be restarted"
  // (https://developers.google.com/workspace/drive/api/reference/rest/v3/changes/list, nextPageToken).
  if (!/^\d+$/.test(raw) || token < context.model.oldestValidToken || token > context.model.startPageToken()) {
    invalidParameter('pageToken');
  }
  return token;
}

function listChanges(context: DriveRouteContext, request: SandboxRequest, caller: Caller): SandboxResponse {
  const params = query(request, CHANGE_PARAMS);
  const scope = driveScope(context, caller, params, false);
  const from = changeToken(context, params);
  const size = pageSize(params, 100);
  const includeRemoved = bool(params, 'includeRemoved', true);
  const restrictToMyDrive = bool(params, 'restrictToMyDrive', false);
  // Each file once, at its latest change ("changes … for a file are coalesced", manage-changes guide).
  const latest = new Map<string, (typeof context.model.log)[number]>();
  for (const entry of context.model.log) {
    if (entry.seq < from) continue;
    const relevant = scope.driveId
      ? entry.driveId === scope.driveId
      : entry.userId === caller.userId ||
        (!restrictToMyDrive &&
          scope.includeAllDrives &&
          entry.driveId !== undefined &&
          (context.model.drives.get(entry.driveId)?.memberUserIds.has(caller.userId) ?? false));
    if (!relevant) continue;
    latest.delete(entry.fileId);
    latest.set(entry.fileId, entry);
  }
  const entries = [...latest.values()].filter((entry) => includeRemoved || !entry.removed);
  const wanted = pageLength(context, size);
  const page = entries.slice(0, wanted);
  const more = entries.length > page.length;
  const body: Record<string, unknown> = {
    kind: 'drive#changeList',
    changes: page.map((entry) => {
      const file = entry.removed ? undefined : context.model.files.get(entry.fileId);
      return changeJson(entry, file, context.baseUrl());
    }),
    // nextPageToken on every page but the last; newStartPageToken only on the last.
    ...(more
      ? { nextPageToken: String(page.length > 0 ? page.at(-1)!.seq + 1 : from) }
      : { newStartPageToken: String(context.model.startPageToken()) }),
  };
  // An empty short page must still move on: point it at the first entry it did not return.
  if (more && page.length === 0) body.nextPageToken = String(entries[0]!.seq);
  return masked(params, body, DEFAULT_CHANGE_LIST_FIELDS, CHANGE_LIST_FIELDS);
}

function watchChanges(context: DriveRouteContext, request: SandboxRequest, caller: Caller): SandboxResponse {
  const params = query(request, CHANGE_PARAMS);
  const scope = driveScope(context, caller, params, false);
  changeToken(context, params);
  return json(200, context.channels.create(caller.userId, scope.driveId, request.body));
}

function stopChannel(context: DriveRouteContext, request: SandboxRequest, caller: Caller): SandboxResponse {
  query(request, []);
  context.channels.stop(caller.userId, request.body);
  return { status: 204, headers: {}, body: '' };
}

export { FOLDER_MIME };
