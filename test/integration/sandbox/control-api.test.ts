// Issue 3 §9: the control API through its typed client, and the in-process drive-change hook that
// the phase-2 notification module builds on.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { SandboxControlClient, SandboxControlError } from '../../../dev/sandbox/control/control-client.js';
import type { DriveChangedEvent } from '../../../dev/sandbox/state/tenant-model.js';
import { driveItemSchema } from './graph-test-schemas.js';
import { enumerateDelta, graphGet, useResetSandbox } from './sandbox-test-kit.js';

describe('sandbox control API', () => {
  let sandbox: Sandbox;
  let token: string;
  const fixture = useResetSandbox();
  beforeEach(async () => {
    ({ sandbox, token } = fixture);
  });

  it('creates, updates, renames, moves and deletes, as Graph then shows', async () => {
    const control = new SandboxControlClient(sandbox.baseUrl); // standalone use works the same
    const { driveId, rootId } = await control.createDrive({
      driveType: 'personal',
      ownerUserId: sandbox.defaultUserId,
    });
    const itemUrl = (id: string) => `${sandbox.graphBaseUrl}/drives/${driveId}/items/${encodeURIComponent(id)}`;
    const a = await control.createFolder(driveId, rootId, 'A');
    const b = await control.createFolder(driveId, rootId, 'B');
    const file = await control.createFile(driveId, a.id, 'note.md', '# v1', 'text/markdown');

    await control.updateFile(driveId, file.id, '# v2, longer');
    await control.rename(driveId, file.id, 'renamed.md');
    await control.move(driveId, file.id, b.id);
    const moved = driveItemSchema.parse((await graphGet(itemUrl(file.id), token)).body);
    expect(moved).toMatchObject({
      name: 'renamed.md',
      size: Buffer.byteLength('# v2, longer'),
      parentReference: { id: b.id },
    });
    expect(moved.file?.mimeType).toBe('text/markdown');
    expect(moved.eTag).not.toBe(file.eTag);

    await expect(control.createFolder(driveId, b.id, 'RENAMED.md')).rejects.toMatchObject({ status: 409 });
    await expect(control.move(driveId, b.id, b.id)).rejects.toBeInstanceOf(SandboxControlError);

    await control.deleteItem(driveId, b.id);
    expect((await graphGet(itemUrl(file.id), token)).status).toBe(404);
  });

  it('gives the root id of a drive (GET /drives/{id}, and of the default drive in /tenant), as Graph has it', async () => {
    const info = await sandbox.control.tenant();
    const drive = await sandbox.control.drive(info.defaultDriveId);
    expect(drive).toEqual({
      driveId: info.defaultDriveId,
      rootId: info.defaultDriveRootId,
      driveType: 'business',
      name: 'OneDrive',
      ownerUserId: info.defaultUserId,
      siteId: null,
    });
    const root = await graphGet(`${sandbox.graphBaseUrl}/drives/${info.defaultDriveId}/root`, token);
    expect(driveItemSchema.parse(root.body).id).toBe(drive.rootId);
    await expect(sandbox.control.drive('b!missing')).rejects.toMatchObject({ status: 404 });
  });

  it('generates many items in one call, with folders', async () => {
    const { driveId, rootId } = await sandbox.control.createDrive({
      driveType: 'business',
      ownerUserId: sandbox.defaultUserId,
    });
    const result = await sandbox.control.generateItems(driveId, rootId, {
      count: 1000,
      foldersEvery: 100,
      fileSizeBytes: 10,
    });
    expect(result.created).toBe(1000);
    expect(result.folderIds).toHaveLength(10);
    const enumeration = await enumerateDelta(`${sandbox.graphBaseUrl}/drives/${driveId}/root/delta?$top=500`, token);
    expect(enumeration.latest.size).toBe(1001);
    const files = [...enumeration.latest.values()].filter((item) => item.file);
    expect(files).toHaveLength(990);
    expect(files.every((item) => item.size === 10 && item.file?.hashes?.quickXorHash)).toBe(true);
  });

  it('moves the clock, filters and clears the request log, and resets everything', async () => {
    const before = await sandbox.control.now();
    expect(await sandbox.control.advanceClock(60_000)).toBeGreaterThanOrEqual(before + 60_000);
    const since = await sandbox.control.now();
    await graphGet(`${sandbox.graphBaseUrl}/me/drive`, token);
    const log = await sandbox.control.requestLog({ since });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      method: 'GET',
      path: '/v1.0/me/drive',
      status: 200,
      ru: 1,
      userId: sandbox.defaultUserId,
    });
    await sandbox.control.clearRequestLog();
    expect(await sandbox.control.requestLog()).toEqual([]);

    const settings = await sandbox.control.settings({ duplicateRate: 0.25 });
    expect(settings.duplicateRate).toBe(0.25);
    await expect(sandbox.control.settings({ duplicateRate: 2 })).rejects.toMatchObject({ status: 400 });

    const oldDefaultDrive = sandbox.defaultDriveId;
    const info = await sandbox.control.reset();
    expect(info.defaultDriveId).not.toBe(oldDefaultDrive);
    expect((await sandbox.control.settings()).duplicateRate).toBe(0); // back to the start-up settings
    expect(await sandbox.control.now()).toBeLessThan(since);
  });

  it('tells in-process listeners which drive changed', async () => {
    const events: DriveChangedEvent[] = [];
    const unsubscribe = sandbox.context.tenant.onDriveChanged((event) => events.push(event));
    const { driveId, rootId } = await sandbox.control.createDrive({
      driveType: 'business',
      ownerUserId: sandbox.defaultUserId,
    });
    const file = await sandbox.control.createFile(driveId, rootId, 'a.txt', 'a');
    unsubscribe();
    await sandbox.control.updateFile(driveId, file.id, 'b');
    expect(events.map((event) => event.driveId)).toEqual([driveId, driveId]);
    expect(events[1]!.itemIds).toEqual([file.id]);
  });
});
