// Issue 3 §1: drives (personal, business, SharePoint site libraries) and items with the driveItem
// properties docs/graph-behaviour.md §1 relies on, over real HTTPS with bearer tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { quickXorHashBase64 } from '../../../dev/sandbox/state/quick-xor-hash.js';
import { driveItemSchema, driveSchema, graphErrorSchema } from './graph-test-schemas.js';
import { appAccessToken, graphGet, startTestSandbox, userAccessToken } from './sandbox-test-kit.js';
import { z } from 'zod';

describe('sandbox drives and items', () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
    token = await userAccessToken(sandbox);
  });
  afterAll(() => sandbox.stop());

  it('serves /me/drive, /users/{id}/drive and /drives/{id} as the same business drive', async () => {
    const me = driveSchema.parse((await graphGet(`${sandbox.graphBaseUrl}/me/drive`, token)).body);
    const byUser = driveSchema.parse(
      (await graphGet(`${sandbox.graphBaseUrl}/users/${sandbox.defaultUserId}/drive`, token)).body,
    );
    const byId = driveSchema.parse(
      (await graphGet(`${sandbox.graphBaseUrl}/drives/${encodeURIComponent(me.id)}`, token)).body,
    );
    expect(me.driveType).toBe('business');
    expect(byUser.id).toBe(me.id);
    expect(byId.id).toBe(me.id);
    expect(me.owner?.user.id).toBe(sandbox.defaultUserId);
  });

  it('serves personal drives and SharePoint site libraries', async () => {
    const user = await sandbox.control.createUser({ displayName: 'Megan Bowen' });
    const personal = await sandbox.control.createDrive({ driveType: 'personal', ownerUserId: user.id });
    const { siteId } = await sandbox.control.createSite({ displayName: 'Finance' });
    const library = await sandbox.control.createDrive({ driveType: 'business', siteId });
    const personalJson = driveSchema.parse(
      (await graphGet(`${sandbox.graphBaseUrl}/drives/${personal.driveId}`, token)).body,
    );
    expect(personalJson.driveType).toBe('personal');
    const drives = z
      .object({ value: z.array(driveSchema) })
      .parse((await graphGet(`${sandbox.graphBaseUrl}/sites/${encodeURIComponent(siteId)}/drives`, token)).body);
    expect(drives.value.map((d) => [d.id, d.driveType])).toEqual([[library.driveId, 'documentLibrary']]);
    const siteDrive = driveSchema.parse(
      (await graphGet(`${sandbox.graphBaseUrl}/sites/${encodeURIComponent(siteId)}/drive`, token)).body,
    );
    expect(siteDrive.id).toBe(library.driveId);
  });

  it('returns items with tags, real quickXorHash, parentReference with path, and folder childCount', async () => {
    const driveId = sandbox.defaultDriveId;
    const root = driveItemSchema.parse((await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/root`, token)).body);
    expect(root.root).toEqual({});
    const folder = await sandbox.control.createFolder(driveId, root.id, 'Reports');
    const content = 'quarterly numbers\n';
    const file = await sandbox.control.createFile(driveId, folder.id, 'q1.txt', content);

    const fileJson = driveItemSchema.parse(
      (await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/items/${file.id}`, token)).body,
    );
    expect(fileJson).toMatchObject({ id: file.id, name: 'q1.txt', size: Buffer.byteLength(content) });
    expect(fileJson.file?.hashes?.quickXorHash).toBe(quickXorHashBase64(Buffer.from(content)));
    expect(fileJson.file?.mimeType).toBe('text/plain');
    expect(fileJson.eTag).toMatch(/^"\{[0-9A-F-]{36}\},\d+"$/);
    expect(fileJson.cTag).toMatch(/^"c:\{[0-9A-F-]{36}\},\d+"$/);
    expect(fileJson.parentReference).toEqual({
      driveId,
      driveType: 'business',
      id: folder.id,
      path: `/drives/${driveId}/root:/Reports`,
    });
    expect(fileJson['@microsoft.graph.downloadUrl']).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/_download\//);
    expect(fileJson.createdDateTime).toBeDefined();
    expect(fileJson.webUrl).toBeDefined();

    const folderJson = driveItemSchema.parse(
      (await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/items/${folder.id}`, token)).body,
    );
    expect(folderJson.folder).toEqual({ childCount: 1 });
    expect(folderJson.cTag).toBeUndefined(); // Business sends no cTag for folders (docs/graph-behaviour.md §1)

    const children = z
      .object({ value: z.array(driveItemSchema) })
      .parse((await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/items/${folder.id}/children`, token)).body);
    expect(children.value.map((c) => c.id)).toEqual([file.id]);
  });

  it('answers 404 itemNotFound for unknown and deleted items', async () => {
    const driveId = sandbox.defaultDriveId;
    const root = driveItemSchema.parse((await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/root`, token)).body);
    const file = await sandbox.control.createFile(driveId, root.id, 'gone.txt', 'x');
    await sandbox.control.deleteItem(driveId, file.id);
    for (const id of [file.id, 'no-such-item']) {
      const result = await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/items/${id}`, token);
      expect(result.status).toBe(404);
      expect(graphErrorSchema.parse(result.body).error.code).toBe('itemNotFound');
    }
  });

  it('rejects /me with an app-only token and serves /drives/{id} to it', async () => {
    const appToken = await appAccessToken(sandbox);
    expect((await graphGet(`${sandbox.graphBaseUrl}/me/drive`, appToken)).status).toBe(400);
    expect((await graphGet(`${sandbox.graphBaseUrl}/drives/${sandbox.defaultDriveId}`, appToken)).status).toBe(200);
  });
  it('addresses items by path (root:/a/b:), case-insensitively, with an action after the path', async () => {
    const driveId = sandbox.defaultDriveId;
    const root = driveItemSchema.parse((await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/root`, token)).body);
    const folder = await sandbox.control.createFolder(driveId, root.id, 'Path Test');
    const inner = await sandbox.control.createFolder(driveId, folder.id, 'Inner');
    await sandbox.control.createFile(driveId, inner.id, 'x.txt', 'x');
    const byPath = driveItemSchema.parse(
      (await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/root:/path%20test/INNER:`, token)).body,
    );
    expect(byPath.id).toBe(inner.id);
    const children = z
      .object({ value: z.array(driveItemSchema) })
      .parse((await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/root:/Path Test/Inner:/children`, token)).body);
    expect(children.value.map((c) => c.name)).toEqual(['x.txt']);
    const missing = await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/root:/Path Test/nope:`, token);
    expect(missing.status).toBe(404);
    expect(graphErrorSchema.parse(missing.body).error.code).toBe('itemNotFound');
  });
});
