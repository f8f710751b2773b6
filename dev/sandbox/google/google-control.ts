// The Google sandbox's control API: build drives and files, change them as a user would in the Drive
// UI, end grants, move the clock, inject faults, and read what the sandbox saw. Tests call it in
// process; a running `npm start` serves it at POST /_sandbox/google/<method> with the arguments as a
// JSON array body (e.g. `["<fileId>", "new name"]` for rename).
import { z } from 'zod';
import type { SandboxClock } from '../state/sandbox-clock.js';
import type { ChannelHub, Delivery } from './channels.js';
import { FOLDER_MIME, type DriveModel } from './drive-model.js';
import { jsonResponse, type SandboxResponse } from '../http/sandbox-http.js';
import { type GrantEndReason, DRIVE_READONLY_SCOPE, type OAuthState } from './oauth-state.js';
import type { Fault, FaultList, GoogleSandboxSettings } from './quotas-and-faults.js';

export interface ControlDeps {
  model: DriveModel;
  oauth: OAuthState;
  channels: ChannelHub;
  clock: SandboxClock;
  faults: FaultList;
  requestLog: { method: string; path: string; status: number; userId?: string }[];
  clientId: string;
  defaultUserId: string;
  updateSettings(patch: Partial<GoogleSandboxSettings>): void;
}

export interface CreatedItem {
  id: string;
  name: string;
}

export class GoogleSandboxControl {
  constructor(private readonly deps: ControlDeps) {}

  /** A refresh token for a user without the browser flow (as if the user had consented). */
  issueRefreshToken(input: { userId?: string; scopes?: string[] } = {}): { refreshToken: string } {
    const userId = input.userId ?? this.deps.defaultUserId;
    const scopes = input.scopes ?? [DRIVE_READONLY_SCOPE];
    return { refreshToken: this.deps.oauth.issueRefreshToken(userId, this.deps.clientId, scopes) };
  }

  /**
   * Ends a grant for one of the documented reasons (by its refresh token, or every grant of a user);
   * refreshes then answer invalid_grant. Returns how many grants it ended.
   */
  revokeGrant(input: { refreshToken?: string; userId?: string; reason: GrantEndReason }): number {
    const tokens = input.refreshToken
      ? [input.refreshToken]
      : [...this.deps.oauth.refreshTokens].filter(([, grant]) => grant.userId === input.userId).map(([token]) => token);
    if (tokens.length === 0) throw new Error('no grant matches');
    for (const token of tokens) this.deps.oauth.endGrant(token, input.reason);
    return tokens.length;
  }

  /** Whether the refresh token is still usable (false once revoked or ended). */
  grantAlive(refreshToken: string): boolean {
    const grant = this.deps.oauth.refreshTokens.get(refreshToken);
    return grant !== undefined && grant.ended === undefined;
  }

  tokenLog(): readonly { grantType: string; outcome: string }[] {
    return [...this.deps.oauth.tokenLog];
  }

  createUser(email: string): { userId: string; rootId: string } {
    const user = this.deps.model.createUser(email);
    return { userId: user.id, rootId: user.rootId };
  }

  myDriveRootId(userId?: string): string {
    return this.deps.model.users.get(userId ?? this.deps.defaultUserId)!.rootId;
  }

  createSharedDrive(input: { name: string; memberUserIds?: string[] }): { id: string } {
    return { id: this.deps.model.createSharedDrive(input.name, input.memberUserIds ?? [this.deps.defaultUserId]).id };
  }

  createFolder(input: { parentIds: string[]; name: string }): CreatedItem {
    return this.createFile({ ...input, mimeType: FOLDER_MIME });
  }

  /** A blob (content given or generated), or a Docs Editors file when mimeType is a google-apps type. */
  createFile(input: {
    /** The first is the item's parent; more are extra parents (My Drive items made before the single-parent change). */
    parentIds: string[];
    name: string;
    mimeType?: string;
    content?: string | Buffer;
    /** For Docs Editors files: how large their export is. */
    sizeBytes?: number;
  }): CreatedItem {
    const [parentId, ...extraParentIds] = input.parentIds;
    if (!parentId) throw new Error('parentIds needs at least one parent');
    return pick(
      this.deps.model.createItem({
        parentId,
        extraParentIds,
        name: input.name,
        mimeType: input.mimeType ?? 'text/plain',
        content: input.content === undefined ? undefined : Buffer.from(input.content),
        exportSizeBytes: input.sizeBytes,
      }),
    );
  }

  updateContent(id: string, content: string | Buffer): void {
    this.deps.model.update(
      id,
      (file) => {
        if (!file.content) throw new Error('only blobs have content to update');
        file.content = Buffer.from(content);
      },
      { newRevision: true },
    );
  }

  /** An edit in Docs, Sheets or Slides: the version moves, the export changes. */
  editNativeDoc(id: string, sizeBytes?: number): void {
    this.deps.model.update(id, (file) => {
      if (sizeBytes !== undefined) file.exportSizeBytes = sizeBytes;
    });
  }

  rename(id: string, name: string): void {
    this.deps.model.update(id, (file) => {
      file.name = name;
    });
  }

  move(id: string, change: { addParents?: string[]; removeParents?: string[] }): void {
    this.deps.model.update(id, (file) => {
      file.parents = [
        ...file.parents.filter((parent) => !(change.removeParents ?? []).includes(parent)),
        ...(change.addParents ?? []),
      ];
    });
  }

  trash(id: string): void {
    this.deps.model.trash(id, true);
  }

  untrash(id: string): void {
    this.deps.model.trash(id, false);
  }

  deletePermanently(id: string): void {
    this.deps.model.deletePermanently(id);
  }

  /** Bulk trees for benchmarks: `count` files, a folder every `foldersEvery` files, under parentId. */
  generate(input: { parentId?: string; count: number; foldersEvery?: number }): { files: number; folderIds: string[] } {
    const parentId = input.parentId ?? this.myDriveRootId();
    const folderIds: string[] = [];
    let folder = parentId;
    for (let index = 0; index < input.count; index++) {
      if (input.foldersEvery && index % input.foldersEvery === 0) {
        folder = this.deps.model.createItem({ parentId, name: `folder-${index}`, mimeType: FOLDER_MIME }).id;
        folderIds.push(folder);
      }
      this.deps.model.createItem({
        parentId: folder,
        name: `file-${index}.txt`,
        mimeType: 'text/plain',
        content: Buffer.from(`generated file ${index}\n`),
      });
    }
    return { files: input.count, folderIds };
  }

  /** Makes every page token issued so far invalid (as after a long pause, or a backend reset). */
  expirePageTokens(): void {
    this.deps.model.invalidatePageTokens();
  }

  now(): number {
    return this.deps.clock.now();
  }

  advanceClock(ms: number): void {
    this.deps.clock.advance(ms);
    this.deps.channels.expire();
  }

  injectFault(fault: Fault): void {
    this.deps.faults.add(fault);
  }

  /** Between tests: no faults, empty logs, no channels and no deliveries (files and grants stay). */
  reset(): void {
    this.deps.faults.clear();
    this.deps.requestLog.length = 0;
    this.deps.oauth.tokenLog.length = 0;
    this.deps.channels.stopAll();
    this.deps.channels.deliveries.length = 0;
  }

  clearFaults(): void {
    this.deps.faults.clear();
  }

  updateSettings(patch: Partial<GoogleSandboxSettings>): void {
    this.deps.updateSettings(patch);
  }

  requestLog(): readonly { method: string; path: string; status: number; userId?: string }[] {
    return [...this.deps.requestLog];
  }

  clearRequestLog(): void {
    this.deps.requestLog.length = 0;
  }

  channels(): { id: string; resourceId: string; expiration: number; address: string }[] {
    return [...this.deps.channels.live.values()].map((channel) => ({
      id: channel.id,
      resourceId: channel.resourceId,
      expiration: channel.expirationMs,
      address: channel.address,
    }));
  }

  deliveries(): readonly Delivery[] {
    return [...this.deps.channels.deliveries];
  }

  /** Resolves once every push delivery under way has been answered. */
  settleDeliveries(): Promise<void> {
    return this.deps.channels.settle();
  }
}

function pick(file: { id: string; name: string }): CreatedItem {
  return { id: file.id, name: file.name };
}

export interface ControlRoute {
  method: 'POST';
  path: string;
  handle(body: Buffer): SandboxResponse;
}

/** The methods a running sandbox serves over HTTP (the in-process ones, minus the promise-returning one). */
const HTTP_METHODS = [
  'issueRefreshToken',
  'revokeGrant',
  'grantAlive',
  'createUser',
  'myDriveRootId',
  'createSharedDrive',
  'createFolder',
  'createFile',
  'updateContent',
  'editNativeDoc',
  'rename',
  'move',
  'trash',
  'untrash',
  'deletePermanently',
  'generate',
  'expirePageTokens',
  'now',
  'advanceClock',
  'injectFault',
  'updateSettings',
  'requestLog',
  'clearRequestLog',
  'channels',
  'deliveries',
  'tokenLog',
] as const;

/** The body is the method's argument list. */
const bodySchema = z.array(z.unknown()).max(4);

export function registerControlRoutes(control: GoogleSandboxControl): ControlRoute[] {
  return HTTP_METHODS.map((name) => ({
    method: 'POST' as const,
    path: `/_sandbox/google/${name}`,
    handle: (body: Buffer) => {
      let input: unknown = {};
      try {
        input = body.length > 0 ? JSON.parse(body.toString('utf8')) : [];
      } catch {
        return jsonResponse(400, { error: 'the body must be a JSON array of arguments' });
      }
      const parsed = bodySchema.safeParse(input);
      if (!parsed.success) return jsonResponse(400, { error: 'the body must be a JSON array of arguments' });
      try {
        const call = (control as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!.bind(control);
        return jsonResponse(200, { result: call(...parsed.data) ?? null });
      } catch (error) {
        return jsonResponse(400, { error: error instanceof Error ? error.message : 'refused' });
      }
    },
  }));
}
