// Typed client for the sandbox control API (/_sandbox/). Works in-process (startSandbox().control)
// or against a standalone `npm run sandbox` (new SandboxControlClient('https://127.0.0.1:7443')).
// Trusts the sandbox certificate through NODE_EXTRA_CA_CERTS, as the npm scripts set it.
import { z } from 'zod';
import type { FaultSpec } from '../http/fault-injector.js';
import type { SandboxSettings, SandboxSettingsPatch } from '../state/sandbox-settings.js';
import type { DriveKind } from '../state/tenant-model.js';
import {
  appRegistrationSchema,
  clockSchema,
  driveCreatedSchema,
  driveInfoSchema,
  generatedSchema,
  issuedRefreshTokenSchema,
  itemSummarySchema,
  requestLogEntrySchema,
  revokedSchema,
  sandboxSettingsSchema,
  siteCreatedSchema,
  tenantInfoSchema,
  tokenLogEntrySchema,
  userSchema,
  type AppRegistration,
  type DriveInfo,
  type ItemSummary,
  type RequestLogEntryDto,
  type TenantInfo,
  type TokenLogEntryDto,
} from './control-schemas.js';

export class SandboxControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface GenerateItemsRequest {
  count: number;
  foldersEvery?: number;
  fileSizeBytes?: number;
  namePrefix?: string;
}

export class SandboxControlClient {
  constructor(readonly baseUrl: string) {}

  tenant(): Promise<TenantInfo> {
    return this.call('GET', '/tenant', undefined, tenantInfoSchema);
  }

  /** Back to the start-up state (default user and drive re-created; logs, faults, settings, clock cleared). */
  reset(): Promise<TenantInfo> {
    return this.call('POST', '/reset', {}, tenantInfoSchema);
  }

  createUser(input: { id?: string; displayName?: string } = {}): Promise<z.infer<typeof userSchema>> {
    return this.call('POST', '/users', input, userSchema);
  }

  createSite(input: { displayName?: string } = {}): Promise<{ siteId: string }> {
    return this.call('POST', '/sites', input, siteCreatedSchema);
  }

  createDrive(input: {
    driveType: DriveKind;
    ownerUserId?: string;
    siteId?: string;
    name?: string;
  }): Promise<{ driveId: string; rootId: string }> {
    return this.call('POST', '/drives', input, driveCreatedSchema);
  }

  /** A drive's ids (its root item is the parentId for top-level items), type, name and owner. */
  drive(driveId: string): Promise<DriveInfo> {
    return this.call('GET', `/drives/${enc(driveId)}`, undefined, driveInfoSchema);
  }

  apps(): Promise<AppRegistration[]> {
    return this.call('GET', '/apps', undefined, z.array(appRegistrationSchema));
  }

  /** Replaces the app's registered redirect URIs (what /authorize accepts as redirect_uri). */
  setRedirectUris(clientId: string, redirectUris: string[]): Promise<AppRegistration> {
    return this.call('PUT', `/apps/${enc(clientId)}/redirect-uris`, { redirectUris }, appRegistrationSchema);
  }

  createFolder(driveId: string, parentId: string, name: string): Promise<ItemSummary> {
    return this.call('POST', `/drives/${enc(driveId)}/items`, { parentId, name, kind: 'folder' }, itemSummarySchema);
  }

  createFile(
    driveId: string,
    parentId: string,
    name: string,
    content: string | Buffer,
    mimeType?: string,
  ): Promise<ItemSummary> {
    const contentBase64 = Buffer.from(content).toString('base64');
    return this.call(
      'POST',
      `/drives/${enc(driveId)}/items`,
      { parentId, name, kind: 'file', contentBase64, mimeType },
      itemSummarySchema,
    );
  }

  /** A file of `bytes` generated in the sandbox (bytes 0..250 repeated), for large-content benchmarks. */
  createGeneratedFile(driveId: string, parentId: string, name: string, bytes: number): Promise<ItemSummary> {
    return this.call(
      'POST',
      `/drives/${enc(driveId)}/items`,
      { parentId, name, kind: 'file', generatedBytes: bytes, mimeType: 'application/octet-stream' },
      itemSummarySchema,
    );
  }

  getItem(driveId: string, itemId: string): Promise<ItemSummary> {
    return this.call('GET', `/drives/${enc(driveId)}/items/${enc(itemId)}`, undefined, itemSummarySchema);
  }

  updateFile(driveId: string, itemId: string, content: string | Buffer): Promise<ItemSummary> {
    return this.call(
      'PATCH',
      `/drives/${enc(driveId)}/items/${enc(itemId)}`,
      { contentBase64: Buffer.from(content).toString('base64') },
      itemSummarySchema,
    );
  }

  rename(driveId: string, itemId: string, name: string): Promise<ItemSummary> {
    return this.call('PATCH', `/drives/${enc(driveId)}/items/${enc(itemId)}`, { name }, itemSummarySchema);
  }

  move(driveId: string, itemId: string, newParentId: string): Promise<ItemSummary> {
    return this.call(
      'PATCH',
      `/drives/${enc(driveId)}/items/${enc(itemId)}`,
      { parentId: newParentId },
      itemSummarySchema,
    );
  }

  async deleteItem(driveId: string, itemId: string): Promise<void> {
    await this.call('DELETE', `/drives/${enc(driveId)}/items/${enc(itemId)}`, undefined, undefined);
  }

  /** Bulk creation (one change batch): files under parentId, a folder every `foldersEvery` items. */
  generateItems(
    driveId: string,
    parentId: string,
    options: GenerateItemsRequest,
  ): Promise<{ created: number; folderIds: string[] }> {
    return this.call('POST', `/drives/${enc(driveId)}/generate`, { parentId, ...options }, generatedSchema);
  }

  async now(): Promise<number> {
    return (await this.call('GET', '/clock', undefined, clockSchema)).now;
  }

  async advanceClock(ms: number): Promise<number> {
    return (await this.call('POST', '/clock/advance', { ms }, clockSchema)).now;
  }

  /** Every delta token and paging cursor of the drive (or of all drives) answers 410 from now on. */
  async expireDeltaTokens(driveId?: string): Promise<void> {
    await this.call('POST', '/delta-tokens/expire', driveId === undefined ? {} : { driveId }, undefined);
  }

  /** A consented grant for the user (offline_access added) and its first refresh token. */
  issueRefreshToken(input: { userId: string; scopes: string[]; clientId?: string }): Promise<{ refreshToken: string }> {
    return this.call('POST', '/grants', input, issuedRefreshTokenSchema);
  }

  /**
   * Revokes the user's grants, as a password change would: refreshing answers AADSTS50173. Access
   * tokens already issued keep working until they expire, unless `revokeAccessTokens` is set: then
   * Graph answers them 401 InvalidAuthenticationToken at once, as with continuous access evaluation.
   */
  revokeGrant(
    userId: string,
    options: { revokeAccessTokens?: boolean } = {},
  ): Promise<{ revoked: number; accessTokensRevoked: number }> {
    return this.call('POST', '/grants/revoke', { userId, ...options }, revokedSchema);
  }

  async injectFault(fault: FaultSpec): Promise<void> {
    await this.call('POST', '/faults', fault, undefined);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults', undefined, undefined);
  }

  requestLog(options: { since?: number } = {}): Promise<RequestLogEntryDto[]> {
    const query = options.since === undefined ? '' : `?since=${options.since}`;
    return this.call('GET', `/requests${query}`, undefined, z.array(requestLogEntrySchema));
  }

  async clearRequestLog(): Promise<void> {
    await this.call('DELETE', '/requests', undefined, undefined);
  }

  /** Token endpoint calls, with refresh tokens as opaque ids ("rt-3"), never as values. */
  tokenLog(): Promise<TokenLogEntryDto[]> {
    return this.call('GET', '/token-log', undefined, z.array(tokenLogEntrySchema));
  }

  settings(patch: SandboxSettingsPatch = {}): Promise<SandboxSettings> {
    return this.call('PATCH', '/settings', patch, sandboxSettingsSchema);
  }

  private async call<T>(method: string, path: string, body: unknown, schema: z.ZodType<T> | undefined): Promise<T> {
    const response = await fetch(`${this.baseUrl}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok)
      throw new SandboxControlError(response.status, `${method} /_sandbox${path} → ${response.status}: ${text}`);
    if (!schema) return undefined as T;
    return schema.parse(JSON.parse(text));
  }
}

function enc(value: string): string {
  return encodeURIComponent(value);
}
