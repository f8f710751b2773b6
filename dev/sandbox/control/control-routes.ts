// The control API under /_sandbox/ (issue 3 §9): how tests and benchmarks shape the tenant, move
// its clock, break things on purpose and read what happened. Not part of Graph: no bearer token,
// no throttling, not in the request log. Loopback only, like the whole sandbox.
import type { z } from 'zod';
import type { SandboxContext } from '../sandbox-context.js';
import { jsonResponse, type SandboxRequest, type SandboxResponse } from '../http/sandbox-http.js';
import { SandboxStateError } from '../state/tenant-state.js';
import type { DriveItemRecord } from '../state/tenant-model.js';
import {
  advanceClockSchema,
  createDriveSchema,
  createItemSchema,
  createSiteSchema,
  createUserSchema,
  expireDeltaTokensSchema,
  faultSpecSchema,
  generateItemsSchema,
  issueRefreshTokenSchema,
  revokeGrantSchema,
  sandboxSettingsPatchSchema,
  setRedirectUrisSchema,
  updateItemSchema,
  type AppRegistration,
  type DriveInfo,
  type ItemSummary,
  type TenantInfo,
} from './control-schemas.js';
import type { ClientRegistration } from '../identity/identity-state.js';
import { normalizeScopes } from '../identity/identity-routes.js';

export interface ControlRouteDeps {
  tenantInfo: () => TenantInfo;
  /** Back to the start-up state: defaults re-created, logs, faults, clock and settings cleared. */
  resetAll: () => TenantInfo;
  updateSettings: (patch: z.infer<typeof sandboxSettingsPatchSchema>) => void;
}

/** Exported with parse() so every control route module answers bad input the same way (400 invalidInput). */
export class ControlInputError extends Error {}

/**
 * The `add` of a module's control routes: `path` under `prefix` with :name params (decoded), bad input
 * answered 400 invalidInput, and the module's own errors mapped by `mapError` (undefined: rethrown).
 */
export function controlRouteAdder(
  router: SandboxContext['router'],
  prefix: string,
  mapError: (error: unknown) => SandboxResponse | undefined,
): (
  method: string,
  path: string,
  handler: (request: SandboxRequest, params: Record<string, string>) => SandboxResponse,
) => void {
  return (method, path, handler) => {
    const pattern = new RegExp(`^${prefix}${path.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`);
    router.add(method, pattern, 'control', (request, params) => {
      const decoded = Object.fromEntries(
        Object.entries(params).map(([key, value]) => [key, decodeURIComponent(value)]),
      );
      try {
        return handler(request, decoded);
      } catch (error) {
        if (error instanceof ControlInputError)
          return jsonResponse(400, { error: 'invalidInput', message: error.message });
        const mapped = mapError(error);
        if (mapped) return mapped;
        throw error;
      }
    });
  };
}

export function parse<T>(schema: z.ZodType<T>, request: SandboxRequest): T {
  let raw: unknown = {};
  if (request.body.length > 0) {
    try {
      raw = JSON.parse(request.body.toString('utf8'));
    } catch {
      throw new ControlInputError('body is not JSON');
    }
  }
  const result = schema.safeParse(raw);
  if (!result.success)
    throw new ControlInputError(
      result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  return result.data;
}

function summary(item: DriveItemRecord): ItemSummary {
  return {
    id: item.id,
    name: item.name,
    parentId: item.parentId,
    isFolder: item.isFolder,
    size: item.size,
    eTag: `"{${item.guid}},${item.version}"`,
    cTag: `"c:{${item.guid}},${item.contentVersion}"`,
    quickXorHash: item.quickXorHash ?? null,
  };
}

function appRegistration(client: ClientRegistration): AppRegistration {
  return {
    clientId: client.clientId,
    displayName: client.displayName,
    confidential: client.clientSecret !== undefined,
    redirectUris: [...client.redirectUris],
  };
}

export function registerControlRoutes(context: SandboxContext, deps: ControlRouteDeps): void {
  const { router, tenant, identity, clock } = context;
  const add = controlRouteAdder(router, '/_sandbox', (error) =>
    error instanceof SandboxStateError
      ? jsonResponse(error.code === 'itemNotFound' ? 404 : error.code === 'nameAlreadyExists' ? 409 : 400, {
          error: error.code,
          message: error.message,
        })
      : undefined,
  );

  add('GET', '/tenant', () => jsonResponse(200, deps.tenantInfo()));
  add('POST', '/reset', () => jsonResponse(200, deps.resetAll()));

  add('POST', '/users', (request) => jsonResponse(201, tenant.createUser(parse(createUserSchema, request))));
  add('POST', '/sites', (request) =>
    jsonResponse(201, { siteId: tenant.createSite(parse(createSiteSchema, request)).id }),
  );
  add('POST', '/drives', (request) => {
    const drive = tenant.createDrive(parse(createDriveSchema, request));
    return jsonResponse(201, { driveId: drive.id, rootId: drive.rootId });
  });

  add('GET', '/drives/:driveId', (_request, params) => {
    const drive = tenant.requireDrive(params.driveId!);
    const info: DriveInfo = {
      driveId: drive.id,
      rootId: drive.rootId,
      driveType: drive.kind,
      name: drive.name,
      ownerUserId: drive.ownerUserId ?? null,
      siteId: drive.siteId ?? null,
    };
    return jsonResponse(200, info);
  });

  add('GET', '/apps', () => jsonResponse(200, [...identity.clients.values()].map(appRegistration)));
  add('PUT', '/apps/:clientId/redirect-uris', (request, params) => {
    const client = identity.clients.get(params.clientId!);
    if (!client) throw new SandboxStateError('itemNotFound', `app ${params.clientId} not found`);
    client.redirectUris = [...new Set(parse(setRedirectUrisSchema, request).redirectUris)];
    return jsonResponse(200, appRegistration(client));
  });

  add('POST', '/drives/:driveId/items', (request, params) => {
    const input = parse(createItemSchema, request);
    const item =
      input.kind === 'folder'
        ? tenant.createFolder(params.driveId!, input.parentId, input.name)
        : tenant.createFile(
            params.driveId!,
            input.parentId,
            input.name,
            input.generatedBytes === undefined
              ? Buffer.from(input.contentBase64 ?? '', 'base64')
              : generatedContent(input.generatedBytes),
            input.mimeType,
          );
    return jsonResponse(201, summary(item));
  });
  add('PATCH', '/drives/:driveId/items/:itemId', (request, params) => {
    const input = parse(updateItemSchema, request);
    const { driveId, itemId } = params as { driveId: string; itemId: string };
    const item =
      'contentBase64' in input
        ? tenant.updateFile(driveId, itemId, Buffer.from(input.contentBase64, 'base64'))
        : 'name' in input
          ? tenant.rename(driveId, itemId, input.name)
          : tenant.move(driveId, itemId, input.parentId);
    return jsonResponse(200, summary(item));
  });
  add('DELETE', '/drives/:driveId/items/:itemId', (_request, params) => {
    tenant.deleteItem(params.driveId!, params.itemId!);
    return { status: 204 };
  });
  add('GET', '/drives/:driveId/items/:itemId', (_request, params) => {
    const drive = tenant.requireDrive(params.driveId!);
    return jsonResponse(200, summary(tenant.requireItem(drive, params.itemId!)));
  });
  add('POST', '/drives/:driveId/generate', (request, params) => {
    const input = parse(generateItemsSchema, request);
    return jsonResponse(201, tenant.generateItems(params.driveId!, input.parentId, input));
  });

  add('GET', '/clock', () => jsonResponse(200, { now: clock.now() }));
  add('POST', '/clock/advance', (request) => {
    clock.advance(parse(advanceClockSchema, request).ms);
    return jsonResponse(200, { now: clock.now() });
  });
  add('POST', '/delta-tokens/expire', (request) => {
    tenant.expireDeltaTokens(parse(expireDeltaTokensSchema, request).driveId);
    return { status: 204 };
  });

  add('POST', '/grants', (request) => {
    const input = parse(issueRefreshTokenSchema, request);
    tenant.requireUser(input.userId);
    const clientId = input.clientId ?? deps.tenantInfo().clientId;
    if (!identity.clients.has(clientId)) throw new ControlInputError(`unknown client ${clientId}`);
    const scopes = normalizeScopes(input.scopes.join(' '));
    // A refresh token only exists for grants that include offline_access.
    const grant = identity.consent(
      input.userId,
      clientId,
      scopes.includes('offline_access') ? scopes : [...scopes, 'offline_access'],
    );
    const issued = identity.issueForGrant(grant, grant.scopes);
    identity.logToken({
      grantType: 'control:consent',
      clientId,
      userId: input.userId,
      presentedRefreshTokenId: null,
      issuedRefreshTokenId: issued.refreshTokenId ?? null,
      outcome: 'ok',
    });
    return jsonResponse(201, { refreshToken: issued.refreshToken });
  });
  add('POST', '/grants/revoke', (request) => {
    const input = parse(revokeGrantSchema, request);
    const revoked = identity.revokeGrants(input.userId);
    const accessTokensRevoked = input.revokeAccessTokens ? identity.revokeAccessTokens(input.userId) : 0;
    return jsonResponse(200, { revoked, accessTokensRevoked });
  });

  add('POST', '/faults', (request) => {
    context.faults.add(parse(faultSpecSchema, request));
    return { status: 204 };
  });
  add('DELETE', '/faults', () => {
    context.faults.clear();
    return { status: 204 };
  });

  add('GET', '/requests', (request) => {
    const since = request.url.searchParams.get('since');
    return jsonResponse(200, context.requestLog.list(since === null ? undefined : Number(since)));
  });
  add('DELETE', '/requests', () => {
    context.requestLog.clear();
    return { status: 204 };
  });
  add('GET', '/token-log', () => jsonResponse(200, identity.tokenLog()));

  add('GET', '/settings', () => jsonResponse(200, context.settings()));
  add('PATCH', '/settings', (request) => {
    deps.updateSettings(parse(sandboxSettingsPatchSchema, request));
    return jsonResponse(200, context.settings());
  });
}

/** Large files without sending them over the control API: bytes 0..250 repeated (not a multiple of 2^n). */
function generatedContent(size: number): Buffer {
  return Buffer.alloc(size, Buffer.from(Array.from({ length: 251 }, (_, i) => i)));
}
