// Graph drive endpoints under /v1.0 (docs/graph-behaviour.md §1, §2, §5, §7): bearer authentication,
// throttling with resource units, drives and items, children, delta, and /content redirects.
import type { SandboxContext } from '../sandbox-context.js';
import { DeltaError } from '../state/delta-engine.js';
import type { DriveItemRecord, DriveRecord } from '../state/tenant-model.js';
import { SandboxStateError } from '../state/tenant-state.js';
import { jsonResponse, type SandboxRequest, type SandboxResponse } from '../http/sandbox-http.js';
import type { AccessTokenRecord } from '../identity/identity-state.js';
import { deltaItemJsonBytes, driveJson, itemJson, siteJson, userJson } from './drive-item-json.js';
import { graphError, invalidAuthenticationToken, resyncRequired, tooManyRequests } from './graph-errors.js';

/** A parsed Graph request: what to do, and what it costs in resource units (§5). */
interface GraphOperation {
  ru: number;
  run: () => SandboxResponse;
}

const COMMA = Buffer.from(',');

/** Matches the last path segment of a delta call in both syntaxes: delta, delta(), delta(token='…'). */
const DELTA_SEGMENT = /^delta(?:\((?:token=)?'?([^')]*)'?\))?$/;

export function registerGraphRoutes(context: SandboxContext): void {
  context.router.add('*', /^\/v1\.0\/(?<rest>.+)$/, 'graph', (request, params) =>
    handleGraph(context, request, params.rest!),
  );
}

function handleGraph(context: SandboxContext, request: SandboxRequest, rest: string): SandboxResponse {
  const now = context.clock.now();
  const token = authenticate(context, request);
  if ('status' in token) return token;
  const userId = token.userId;
  let operation: GraphOperation;
  try {
    operation = parseOperation(context, request, token, rest.split('/'));
  } catch (error) {
    return { ...mapError(context, request, error), userId };
  }
  const decision = context.budget.charge(userId ?? `app:${token.clientId}`, token.clientId, operation.ru, now);
  if (!decision.allowed)
    return { ...tooManyRequests(request, decision.retryAfterSeconds, now, decision.headers), ru: 0, userId };
  let response: SandboxResponse;
  try {
    response = operation.run();
  } catch (error) {
    response = mapError(context, request, error);
  }
  return { ...response, headers: { ...decision.headers, ...response.headers }, ru: operation.ru, userId };
}

/** Exported for the subscriptions module, so all Graph routes check bearer tokens the same way. */
export function authenticate(context: SandboxContext, request: SandboxRequest): AccessTokenRecord | SandboxResponse {
  const now = context.clock.now();
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) return invalidAuthenticationToken(request, 'Access token is empty.', now);
  const record = context.identity.accessToken(match[1]!);
  if (!record)
    return invalidAuthenticationToken(request, 'IDX14100: JWT is not well formed, there are no dots (.).', now);
  if (record.expiresAt <= now)
    return invalidAuthenticationToken(request, 'Lifetime validation failed, the token is expired.', now);
  if (record.revoked) {
    // Graph's message for a token revoked by continuous access evaluation. The challenge carries no
    // claims directive: Graph sends one only to clients that declare the cp1 capability, which the app
    // does not (https://learn.microsoft.com/entra/identity-platform/claims-challenge).
    return invalidAuthenticationToken(
      request,
      'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
      now,
    );
  }
  return record;
}

function mapError(context: SandboxContext, request: SandboxRequest, error: unknown): SandboxResponse {
  const now = context.clock.now();
  if (error instanceof SandboxStateError) {
    const status = error.code === 'itemNotFound' ? 404 : error.code === 'nameAlreadyExists' ? 409 : 400;
    return graphError(request, status, error.code, error.message, now);
  }
  if (error instanceof GraphRequestError) return graphError(request, error.status, error.code, error.message, now);
  throw error;
}

class GraphRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function parseOperation(
  context: SandboxContext,
  request: SandboxRequest,
  token: AccessTokenRecord,
  segments: string[],
): GraphOperation {
  if (request.method !== 'GET') {
    throw new GraphRequestError(
      405,
      'notSupported',
      'The sandbox changes content through its control API (/_sandbox/), not through Graph writes.',
    );
  }
  const { tenant } = context;
  const [first, second, third, ...tail] = segments;
  if (first === 'me' || first === 'users') {
    if (first === 'me' && token.userId === null) {
      throw new GraphRequestError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    }
    const userId = first === 'me' ? token.userId! : decodeURIComponent(second ?? '');
    const user = tenant.requireUser(userId);
    const after = (first === 'me' ? [second, third, ...tail] : [third, ...tail]).filter(isDefined);
    if (after[0] === undefined) return { ru: 1, run: () => jsonResponse(200, userJson(user)) };
    if (after[0] === 'drive') {
      if (!user.driveId) throw new GraphRequestError(404, 'itemNotFound', 'The user has no drive.');
      return driveOperation(context, request, token, tenant.requireDrive(user.driveId), after.slice(1));
    }
  }
  if (first === 'drives' && second) {
    return driveOperation(
      context,
      request,
      token,
      tenant.requireDrive(decodeURIComponent(second)),
      [third, ...tail].filter(isDefined),
    );
  }
  if (first === 'sites' && second) {
    const site = tenant.requireSite(decodeURIComponent(second));
    if (third === undefined) return { ru: 1, run: () => jsonResponse(200, siteJson(site)) };
    if (third === 'drives' && tail.length === 0) {
      requireFilesScope(token);
      const drives = site.driveIds.map((id) => driveJson(tenant.requireDrive(id), undefined));
      return {
        ru: 2,
        run: () => jsonResponse(200, { '@odata.context': `${context.baseUrl()}/v1.0/$metadata#drives`, value: drives }),
      };
    }
    if (third === 'drive') {
      const driveId = site.driveIds[0];
      if (!driveId) throw new GraphRequestError(404, 'itemNotFound', 'The site has no drive.');
      return driveOperation(context, request, token, tenant.requireDrive(driveId), tail);
    }
  }
  throw new GraphRequestError(400, 'invalidRequest', `Resource not found for the segment '${first ?? ''}'.`);
}

/**
 * Path addressing, `root:/Docs/Sub:` optionally followed by `/children` etc. (driveitem-get.md:
 * "GET /drives/{drive-id}/root:/{item-path}"). Names match case-insensitively, as OneDrive does.
 */
function itemByPath(
  context: SandboxContext,
  drive: DriveRecord,
  joined: string,
): { item: DriveItemRecord; action: string[] } {
  const match = /^root:(\/[^:]*)?:?(\/.*)?$/.exec(joined);
  if (!match) throw new GraphRequestError(400, 'invalidRequest', 'Malformed path addressing.');
  let item = context.tenant.requireItem(drive, drive.rootId);
  for (const encoded of (match[1] ?? '').split('/').filter((part) => part !== '')) {
    const name = safeDecode(encoded);
    const child = context.tenant.liveChildren(drive, item.id).find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!child) throw new GraphRequestError(404, 'itemNotFound', 'The resource could not be found.');
    item = child;
  }
  return { item, action: (match[2] ?? '').split('/').filter((part) => part !== '') };
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** Delegated tokens need a Files.* or Sites.* scope to read drives; app-only tokens are taken as admin-consented. */
function requireFilesScope(token: AccessTokenRecord): void {
  if (token.userId === null) return;
  if (!token.scopes.some((scope) => /^(Files|Sites)\./i.test(scope))) {
    throw new GraphRequestError(403, 'accessDenied', 'Either scp or roles claim need to be present in the token.');
  }
}

function driveOperation(
  context: SandboxContext,
  request: SandboxRequest,
  token: AccessTokenRecord,
  drive: DriveRecord,
  rest: string[],
): GraphOperation {
  requireFilesScope(token);
  const { tenant } = context;
  if (rest.length === 0) {
    const owner = drive.ownerUserId ? tenant.users.get(drive.ownerUserId) : undefined;
    return { ru: 1, run: () => jsonResponse(200, driveJson(drive, owner)) };
  }
  let item: DriveItemRecord;
  let action: string[];
  if (rest[0] === 'root') {
    item = tenant.requireItem(drive, drive.rootId);
    action = rest.slice(1);
  } else if (rest[0]?.startsWith('root:')) {
    ({ item, action } = itemByPath(context, drive, rest.join('/')));
  } else if (rest[0] === 'items' && rest[1]) {
    item = tenant.requireItem(drive, decodeURIComponent(rest[1]));
    action = rest.slice(2);
  } else {
    throw new GraphRequestError(400, 'invalidRequest', 'Unsupported drive path.');
  }
  const select = parseSelect(request);
  const itemOptions = {
    inDelta: false,
    select,
    downloadUrl: (record: DriveItemRecord) => context.downloads.urlFor(drive, record),
  };
  if (action.length === 0) {
    return {
      ru: 1,
      run: () =>
        jsonResponse(200, {
          '@odata.context': `${context.baseUrl()}/v1.0/$metadata#drives('${drive.id}')/items/$entity`,
          ...itemJson(drive, item, itemOptions),
        }),
    };
  }
  if (action.length === 1 && action[0] === 'children') {
    if (!item.isFolder) throw new GraphRequestError(400, 'invalidRequest', 'The item is not a folder.');
    return { ru: 2, run: () => childrenPage(context, request, drive, item, itemOptions) };
  }
  if (action.length === 1 && action[0] === 'content') {
    return { ru: 1, run: () => contentRedirect(context, request, drive, item) };
  }
  const deltaMatch = action.length === 1 ? DELTA_SEGMENT.exec(safeDecode(action[0]!)) : null;
  if (deltaMatch) {
    const deltaToken = deltaMatch[1] || request.url.searchParams.get('token') || undefined;
    return {
      ru: context.delta.costOf(deltaToken),
      run: () => deltaResponse(context, request, drive, item, deltaToken),
    };
  }
  throw new GraphRequestError(400, 'invalidRequest', 'Unsupported drive item path.');
}

/** The entity tags of an If-None-Match list. Graph's tags contain commas ("{GUID},3"), so no split on ','. */
export function entityTags(header: string): string[] {
  return header.match(/(?:W\/)?"[^"]*"/g) ?? [];
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function parseSelect(request: SandboxRequest): Set<string> | undefined {
  const select = request.url.searchParams.get('$select');
  if (!select) return undefined;
  return new Set(
    select
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean),
  );
}

function parseTop(request: SandboxRequest): number | undefined {
  const top = request.url.searchParams.get('$top');
  if (top === null) return undefined;
  const value = Number(top);
  if (!Number.isInteger(value) || value < 1)
    throw new GraphRequestError(400, 'invalidRequest', "Invalid value for '$top'.");
  return Math.min(value, 1000);
}

function childrenPage(
  context: SandboxContext,
  request: SandboxRequest,
  drive: DriveRecord,
  folder: DriveItemRecord,
  itemOptions: Parameters<typeof itemJson>[2],
): SandboxResponse {
  const children = context.tenant.liveChildren(drive, folder.id);
  const top = parseTop(request) ?? 200;
  const skip = Number(request.url.searchParams.get('$skiptoken') ?? '0') || 0;
  const page = children.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${context.baseUrl()}/v1.0/$metadata#drives('${drive.id}')/items('${folder.id}')/children`,
    value: page.map((child) => itemJson(drive, child, itemOptions)),
  };
  if (skip + top < children.length) {
    const next = new URL(request.url);
    next.searchParams.set('$skiptoken', String(skip + top));
    body['@odata.nextLink'] = next.toString();
  }
  return jsonResponse(200, body);
}

/** §2: 302 to a pre-authenticated URL; 304 when If-None-Match carries the current eTag or cTag. */
function contentRedirect(
  context: SandboxContext,
  request: SandboxRequest,
  drive: DriveRecord,
  item: DriveItemRecord,
): SandboxResponse {
  if (item.isFolder) throw new GraphRequestError(400, 'invalidRequest', 'Folders have no content.');
  const ifNoneMatch = request.headers['if-none-match'];
  if (typeof ifNoneMatch === 'string') {
    const tags = [`"{${item.guid}},${item.version}"`, `"c:{${item.guid}},${item.contentVersion}"`];
    if (entityTags(ifNoneMatch).some((tag) => tags.includes(tag))) return { status: 304 };
  }
  return { status: 302, headers: { location: context.downloads.urlFor(drive, item) } };
}

function deltaResponse(
  context: SandboxContext,
  request: SandboxRequest,
  drive: DriveRecord,
  scope: DriveItemRecord,
  token: string | undefined,
): SandboxResponse {
  const now = context.clock.now();
  const select = parseSelect(request);
  const top = parseTop(request);
  const scopePath = scope.id === drive.rootId ? 'root' : `items/${encodeURIComponent(scope.id)}`;
  const base = `${context.baseUrl()}/v1.0/drives/${encodeURIComponent(drive.id)}/${scopePath}`;
  // Query options of the first request travel inside the links (§1).
  const carried = new URLSearchParams();
  const selectParam = request.url.searchParams.get('$select');
  if (selectParam) carried.set('$select', selectParam);
  if (top !== undefined) carried.set('$top', String(top));
  const carriedQuery = carried.toString();
  try {
    const page = context.delta.serve(drive, scope.id, token, top);
    const itemOptions = {
      inDelta: true,
      select,
      downloadUrl: (record: DriveItemRecord) => context.downloads.urlFor(drive, record),
    };
    const odataContext = JSON.stringify(`${context.baseUrl()}/v1.0/$metadata#Collection(driveItem)`);
    // Both documented syntaxes are in use: nextLinks use delta(token='…'), deltaLinks delta?token=….
    let link: string;
    if (page.nextToken) {
      const next = `${base}/delta(token='${page.nextToken}')${carriedQuery ? `?${carriedQuery}` : ''}`;
      link = `"@odata.nextLink":${JSON.stringify(next)}`;
    } else {
      const query = new URLSearchParams(carried);
      query.set('token', page.deltaToken!);
      link = `"@odata.deltaLink":${JSON.stringify(`${base}/delta?${query.toString()}`)}`;
    }
    // Assembled from cached per-item bytes (see deltaItemJsonBytes) rather than one JSON.stringify.
    const parts: Buffer[] = [Buffer.from(`{"@odata.context":${odataContext},"value":[`)];
    page.items.forEach((item, index) => {
      if (index > 0) parts.push(COMMA);
      parts.push(deltaItemJsonBytes(drive, item, itemOptions));
    });
    parts.push(Buffer.from(`],${link}}`));
    const body = Buffer.concat(parts);
    return { status: 200, headers: { 'content-type': 'application/json' }, body };
  } catch (error) {
    if (error instanceof DeltaError) {
      if (error.kind === 'resyncRequired')
        return resyncRequired(request, `${base}/delta${carriedQuery ? `?${carriedQuery}` : ''}`, now);
      return graphError(request, 400, 'invalidRequest', error.message, now);
    }
    throw error;
  }
}
