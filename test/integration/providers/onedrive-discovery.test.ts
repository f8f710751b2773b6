// resolveLocation (every drive selector, folder scopes) and listSubtree against the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteItem } from '../../../shared/core/domain/remote-item.js';
import type { SourceKey } from '../../../shared/core/domain/source.js';
import { NotFoundError } from '../../../shared/core/domain/errors.js';
import { startProviderHarness, type ProviderHarness } from '../../support/provider-harness.js';
import { sourceRecordFor } from '../../support/source-record.js';

const key: SourceKey = { kbId: 'kb-discovery', sourceId: 'src-1' };
const MAX_SUBTREE_PAGES = 100;

describe('OneDrive provider: discovery against the sandbox', () => {
  let harness: ProviderHarness;
  let siteId: string;
  let documentsId: string;
  let policiesId: string;

  beforeAll(async () => {
    harness = await startProviderHarness();
    const { control } = harness.sandbox;
    siteId = (await control.createSite({ displayName: 'Contoso HR' })).siteId;
    documentsId = (await control.createDrive({ driveType: 'business', siteId, name: 'Documents' })).driveId;
    policiesId = (await control.createDrive({ driveType: 'business', siteId, name: 'Policies' })).driveId;
  });

  afterAll(() => harness.stop());

  it('resolves a drive by id', async () => {
    await expect(harness.provider.resolveLocation(key, { drive: { driveId: policiesId } })).resolves.toEqual({
      driveId: policiesId,
      driveType: 'business',
    });
  });

  it("resolves a site's default library and a library by name (case-insensitively)", async () => {
    await expect(harness.provider.resolveLocation(key, { drive: { siteId } })).resolves.toEqual({
      driveId: documentsId,
      driveType: 'business',
    });
    await expect(
      harness.provider.resolveLocation(key, { drive: { siteId, libraryName: 'policies' } }),
    ).resolves.toEqual({
      driveId: policiesId,
      driveType: 'business',
    });
  });

  it("resolves a user's drive, the signed-in user's drive, and maps personal drives", async () => {
    const { control, defaultUserId, defaultDriveId } = harness.sandbox;
    await expect(harness.provider.resolveLocation(key, { drive: { me: true } })).resolves.toEqual({
      driveId: defaultDriveId,
      driveType: 'business',
    });
    const user = await control.createUser({ displayName: 'Megan Bowen' });
    const personal = await control.createDrive({ driveType: 'personal', ownerUserId: user.id });
    await expect(harness.provider.resolveLocation(key, { drive: { userId: user.id } })).resolves.toEqual({
      driveId: personal.driveId,
      driveType: 'personal',
    });
    await expect(harness.provider.resolveLocation(key, { drive: { userId: defaultUserId } })).resolves.toMatchObject({
      driveId: defaultDriveId,
    });
  });

  it('answers NotFoundError for an unknown drive, site, library or user', async () => {
    await expect(harness.provider.resolveLocation(key, { drive: { driveId: 'nope' } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(harness.provider.resolveLocation(key, { drive: { siteId: 'nope' } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      harness.provider.resolveLocation(key, { drive: { siteId, libraryName: 'Archive' } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(harness.provider.resolveLocation(key, { drive: { userId: 'nobody' } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('resolves a folder scope by id, and refuses a file or an unknown id', async () => {
    const { control } = harness.sandbox;
    const drive = await control.createDrive({ driveType: 'business', ownerUserId: harness.sandbox.defaultUserId });
    const folder = await control.createFolder(drive.driveId, drive.rootId, 'Handbooks');
    const file = await control.createFile(drive.driveId, folder.id, 'leave.pdf', 'pdf');
    await expect(
      harness.provider.resolveLocation(key, { drive: { driveId: drive.driveId }, scope: { itemId: folder.id } }),
    ).resolves.toEqual({ driveId: drive.driveId, driveType: 'business', scopeItemId: folder.id });
    await expect(
      harness.provider.resolveLocation(key, { drive: { driveId: drive.driveId }, scope: { itemId: file.id } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      harness.provider.resolveLocation(key, { drive: { driveId: drive.driveId }, scope: { itemId: 'missing' } }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists every item below a folder, breadth first, over several children pages', async () => {
    const { control } = harness.sandbox;
    const drive = await control.createDrive({ driveType: 'business', ownerUserId: harness.sandbox.defaultUserId });
    const top = await control.createFolder(drive.driveId, drive.rootId, 'Moved in');
    const nested = await control.createFolder(drive.driveId, top.id, 'Nested');
    const deeper = await control.createFolder(drive.driveId, nested.id, 'Deeper');
    const leaf = await control.createFile(drive.driveId, deeper.id, 'leaf.txt', 'leaf');
    // 450 files directly in `top`: more than one children page (200 per page).
    await control.generateItems(drive.driveId, top.id, { count: 450, namePrefix: 'bulk' });
    await control.createFile(drive.driveId, drive.rootId, 'outside.txt', 'not below the folder');

    const source = sourceRecordFor(drive.driveId);
    const pages: RemoteItem[][] = [];
    for await (const page of harness.provider.listSubtree(source, top.id)) {
      pages.push(page);
      if (pages.length > MAX_SUBTREE_PAGES) throw new Error('subtree listing did not end');
    }
    const items = pages.flat();
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(items.length).toBe(453);
    expect(new Set(items.map((item) => item.id)).size).toBe(453);
    expect(items.map((item) => item.name)).not.toContain('outside.txt');
    expect(items.find((item) => item.id === leaf.id)).toMatchObject({ parentId: deeper.id, isFolder: false });
    // Breadth first: the deepest item comes after its ancestors.
    const order = items.map((item) => item.id);
    expect(order.indexOf(nested.id)).toBeLessThan(order.indexOf(deeper.id));
    expect(order.indexOf(deeper.id)).toBeLessThan(order.indexOf(leaf.id));
  });
});
