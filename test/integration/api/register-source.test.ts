// PUT semantics of the sources API, through the use case with the real token manager, provider and
// stores against the sandbox tenant and Azurite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegisterSourceBody } from '../../../shared/core/sources/register-source-body.js';
import { registerSourceBodySchema } from '../../../shared/app/provider-registry.js';
import { driveView } from '../../support/source-record.js';
import { registerSource } from '../../../shared/core/sources/register-source.js';
import { toStatusView } from '../../../shared/core/sources/source-status-view.js';
import { ReauthRequiredError } from '../../../shared/core/domain/errors.js';
import { syncLeaseKey } from '../../../shared/core/sync/sync-source.js';
import { startApiTestBed, type ApiTestBed } from './api-test-bed.js';

let bed: ApiTestBed;
beforeAll(async () => {
  bed = await startApiTestBed();
});
afterAll(async () => bed.stop());

const body = (input: unknown): RegisterSourceBody => registerSourceBodySchema.parse(input);

describe('registerSource', () => {
  it('stores the grant, resolves the drive, creates an active source and queues its first sync', async () => {
    const key = bed.newSource();
    const refreshToken = await bed.refreshToken();
    const result = await registerSource(
      bed.registerDeps(),
      key,
      body({ type: 'onedrive', drive: { userId: bed.sandbox.defaultUserId }, refreshToken }),
    );
    expect(result.kind).toBe('created');
    const stored = driveView((await bed.services.sources.get(key))!.record);
    expect(stored).toMatchObject({
      state: 'active',
      driveId: bed.sandbox.defaultDriveId,
      driveType: 'business',
      mode: 'polling',
      pollIntervalSeconds: 900,
      auth: 'delegated',
      itemCount: 0,
    });
    expect(JSON.stringify(stored)).not.toContain(refreshToken);
    expect(await bed.syncJobs()).toEqual([expect.objectContaining({ ...key, reason: 'registered' })]);
    // The grant is usable: the token manager gets an access token from it.
    await expect(bed.services.tokens.getAccessToken(key)).resolves.toEqual(expect.any(String));
  });

  it('keeps the cursor when only filters change, and restarts enumeration when the folder changes', async () => {
    const c = bed.sandbox.control;
    const { driveId, rootId } = await c.createDrive({ driveType: 'business', ownerUserId: bed.sandbox.defaultUserId });
    const docs = await c.createFolder(driveId, rootId, 'Docs');
    await c.createFile(driveId, docs.id, 'a.txt', 'alpha');
    const key = bed.newSource();
    const first = body({ type: 'onedrive', drive: { driveId }, refreshToken: await bed.refreshToken() });
    expect((await registerSource(bed.registerDeps(), key, first)).kind).toBe('created');
    expect((await bed.services.syncer().run(key)).status).toBe('synced');
    const synced = driveView((await bed.services.sources.get(key))!.record);
    expect(synced.cursorKind).toBe('final');

    const filtersOnly = body({ type: 'onedrive', drive: { driveId }, filters: { extensions: ['txt'] } });
    const updated = await registerSource(bed.registerDeps(), key, filtersOnly);
    expect(updated.kind).toBe('updated');
    const afterFilters = driveView((await bed.services.sources.get(key))!.record);
    expect(afterFilters.cursor).toBe(synced.cursor);
    expect(afterFilters.filters).toEqual({ extensions: ['.txt'] });
    expect(afterFilters.resyncRunId).toBeUndefined();

    const scoped = body({ type: 'onedrive', drive: { driveId }, scope: { itemId: docs.id } });
    expect((await registerSource(bed.registerDeps(), key, scoped)).kind).toBe('updated');
    const afterScope = driveView((await bed.services.sources.get(key))!.record);
    expect(afterScope.scopeItemId).toBe(docs.id);
    expect(afterScope.cursor).toBeUndefined();
    expect(afterScope.resyncRunId).toEqual(expect.any(String));
    expect(afterScope.createdAt).toBe(synced.createdAt);
  });

  it("gives up the old drive's subscription when the source moves to another drive", async () => {
    const key = bed.newSource();
    const refreshToken = await bed.refreshToken();
    await registerSource(bed.registerDeps(), key, body({ type: 'onedrive', drive: { me: true }, refreshToken }));
    const subscriptions = bed.services.subscriptionStore;
    // An id the sandbox does not know: deleting it in Graph answers 404, which counts as done.
    const subscriptionId = 'subscription-on-the-old-drive';
    await subscriptions.put({
      watchId: subscriptionId,
      ...key,
      secretSha256: '0'.repeat(64),
      expiresAt: '2099-01-01T00:00:00.000Z',
      createdAt: new Date().toISOString(),
    });
    await bed.services.sources.update(key, (record) => ({
      ...record,
      subscriptionId,
      subscriptionExpiresAt: '2099-01-01T00:00:00.000Z',
    }));

    const other = await bed.sandbox.control.createDrive({
      driveType: 'business',
      ownerUserId: bed.sandbox.defaultUserId,
    });
    const moved = await registerSource(
      bed.registerDeps(),
      key,
      body({ type: 'onedrive', drive: { driveId: other.driveId } }),
    );
    expect(moved.kind).toBe('updated');
    const record = driveView((await bed.services.sources.get(key))!.record);
    expect(record.driveId).toBe(other.driveId);
    expect(record.subscriptionId).toBeUndefined();
    expect(record.subscriptionExpiresAt).toBeUndefined();
    expect(await subscriptions.get(subscriptionId)).toBeUndefined();
  });

  it('answers busy instead of moving the source while a sync holds its lease', async () => {
    const key = bed.newSource();
    const refreshToken = await bed.refreshToken();
    await registerSource(bed.registerDeps(), key, body({ type: 'onedrive', drive: { me: true }, refreshToken }));
    const lease = await bed.services.syncLeases.tryAcquire(syncLeaseKey(key), 60_000);
    try {
      const other = await bed.sandbox.control.createDrive({ driveType: 'business' });
      const result = await registerSource(
        bed.registerDeps(),
        key,
        body({ type: 'onedrive', drive: { driveId: other.driveId } }),
      );
      expect(result.kind).toBe('busy');
      expect(driveView((await bed.services.sources.get(key))!.record).driveId).toBe(bed.sandbox.defaultDriveId);
    } finally {
      await lease?.release();
    }
  });

  it('reports an unknown drive or folder and stores no source', async () => {
    const key = bed.newSource();
    const refreshToken = await bed.refreshToken();
    const missingDrive = await registerSource(
      bed.registerDeps(),
      key,
      body({ type: 'onedrive', drive: { driveId: 'no-such-drive' }, refreshToken }),
    );
    expect(missingDrive.kind).toBe('location_not_found');
    const missingFolder = await registerSource(
      bed.registerDeps(),
      key,
      body({ type: 'onedrive', drive: { me: true }, scope: { itemId: 'no-such-folder' }, refreshToken }),
    );
    expect(missingFolder.kind).toBe('location_not_found');
    expect(await bed.services.sources.get(key)).toBeUndefined();
    // The grant stored for discovery does not outlive the failed registration.
    await expect(bed.services.tokens.getAccessToken(key)).rejects.toBeInstanceOf(ReauthRequiredError);
  });

  it('registers a delegated source without credentials as pending_auth, and queues nothing', async () => {
    const key = bed.newSource();
    await bed.syncJobs();
    const result = await registerSource(bed.registerDeps(), key, body({ type: 'onedrive', drive: { me: true } }));
    expect(result.kind).toBe('created');
    const pending = (await bed.services.sources.get(key))!.record;
    expect(pending.state).toBe('pending_auth');
    expect(pending.stateReason).toContain('connect');
    expect((await bed.syncJobs()).filter((job) => job.kbId === key.kbId)).toEqual([]);

    // A refresh token given later activates it.
    const later = await registerSource(
      bed.registerDeps(),
      key,
      body({ type: 'onedrive', drive: { me: true }, refreshToken: await bed.refreshToken() }),
    );
    expect(later.kind).toBe('updated');
    expect(driveView((await bed.services.sources.get(key))!.record)).toMatchObject({
      state: 'active',
      driveId: bed.sandbox.defaultDriveId,
    });
  });

  it('puts a needs_reauth source back to active on a new refresh token, and keeps its subscription', async () => {
    const key = bed.newSource();
    const drive = { type: 'onedrive', drive: { me: true } };
    await registerSource(bed.registerDeps(), key, body({ ...drive, refreshToken: await bed.refreshToken() }));
    // What the sync engine and the subscription manager leave on the record (sync-source.ts recordFailure,
    // subscription-manager.ts recordOnSource).
    const subscription = { subscriptionId: 'subscription-1', subscriptionExpiresAt: '2099-01-01T00:00:00.000Z' };
    await bed.services.sources.update(key, (record) => ({
      ...record,
      ...subscription,
      state: 'needs_reauth',
      stateReason: 'the grant was revoked',
    }));
    expect((await bed.services.syncer().run(key)).status).toBe('skipped');
    await bed.syncJobs();

    const again = await registerSource(
      bed.registerDeps(),
      key,
      body({ ...drive, refreshToken: await bed.refreshToken() }),
    );
    expect(again.kind).toBe('updated');
    const record = (await bed.services.sources.get(key))!.record;
    expect(record).toMatchObject({ state: 'active', ...subscription });
    expect(record.stateReason).toBeUndefined();
    expect(await bed.syncJobs()).toEqual([expect.objectContaining({ ...key, reason: 'registered' })]);
    expect((await bed.services.syncer().run(key)).status).toBe('synced');
  });

  it('rejects a refresh token whose grant was revoked, with the reason', async () => {
    const user = await bed.sandbox.control.createUser();
    await bed.sandbox.control.createDrive({ driveType: 'business', ownerUserId: user.id });
    const { refreshToken } = await bed.sandbox.control.issueRefreshToken({
      userId: user.id,
      scopes: ['Files.Read.All', 'offline_access'],
    });
    await bed.sandbox.control.revokeGrant(user.id);
    const result = await registerSource(
      bed.registerDeps(),
      bed.newSource(),
      body({ type: 'onedrive', drive: { me: true }, refreshToken }),
    );
    expect(result.kind).toBe('reauth_required');
    if (result.kind === 'reauth_required') {
      expect(result.reason).toMatch(/50173/);
      expect(result.reason).not.toContain(refreshToken);
    }
  });

  it('registers an app-only source with the client credentials of the app and no refresh token', async () => {
    const key = bed.newSource();
    const result = await registerSource(
      bed.registerDeps(),
      key,
      body({ type: 'sharepoint', drive: { driveId: bed.sandbox.defaultDriveId }, auth: 'app' }),
    );
    expect(result.kind).toBe('created');
    expect((await bed.services.sources.get(key))!.record).toMatchObject({ auth: 'app', state: 'active' });
    expect((await bed.services.syncer().run(key)).status).toBe('synced');
  });

  it('shows a status without the cursor or any credential', async () => {
    const key = bed.newSource();
    const refreshToken = await bed.refreshToken();
    await registerSource(bed.registerDeps(), key, body({ type: 'onedrive', drive: { me: true }, refreshToken }));
    await bed.services.syncer().run(key);
    const stored = (await bed.services.sources.get(key))!.record;
    const record = driveView(stored);
    expect(record.cursor).toEqual(expect.any(String));
    const view = toStatusView(stored);
    const text = JSON.stringify(view);
    expect(text).not.toContain(record.cursor!);
    expect(text).not.toContain(refreshToken);
    expect(Object.keys(view).sort()).toEqual(
      [
        'kbId',
        'sourceId',
        'type',
        'drive',
        'driveId',
        'driveType',
        'scope',
        'scopeItemId',
        'filters',
        'pollIntervalSeconds',
        'auth',
        'state',
        'stateReason',
        'mode',
        'lastSyncAt',
        'lastSyncResult',
        'lastError',
        'itemCount',
        'heldDeleteCount',
        'cursorAgeSeconds',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
    expect(view.cursorAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(view.lastSyncResult).toBe('ok');
  });
});

describe('registerSourceBodySchema', () => {
  it('rejects unknown fields, bad intervals and refresh tokens on app-only sources', () => {
    expect(registerSourceBodySchema.safeParse({ type: 'onedrive', drive: { me: true }, filter: {} }).success).toBe(
      false,
    );
    expect(
      registerSourceBodySchema.safeParse({ type: 'onedrive', drive: { me: true }, pollIntervalSeconds: 5 }).success,
    ).toBe(false);
    expect(
      registerSourceBodySchema.safeParse({ type: 'onedrive', drive: { me: true }, auth: 'app', refreshToken: 'x' })
        .success,
    ).toBe(false);
  });
});
