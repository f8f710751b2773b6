// Issue 3 §2: delta exactly as docs/graph-behaviour.md §1 describes it, over real HTTPS.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { enumerateDelta, graphGet, useResetSandbox, userAccessToken } from './sandbox-test-kit.js';
import { deltaPageSchema, graphErrorSchema } from './graph-test-schemas.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('sandbox delta', () => {
  let sandbox: Sandbox;
  let token: string;
  let driveId: string;
  let rootId: string;
  let deltaUrl: string;

  const fixture = useResetSandbox();
  beforeEach(async () => {
    ({ sandbox, token } = fixture);
    const drive = await sandbox.control.createDrive({ driveType: 'business', ownerUserId: sandbox.defaultUserId });
    driveId = drive.driveId;
    rootId = drive.rootId;
    deltaUrl = `${sandbox.graphBaseUrl}/drives/${driveId}/root/delta`;
  });

  it('enumerates the current state without a token, without deletions, across nextLink pages', async () => {
    const folder = await sandbox.control.createFolder(driveId, rootId, 'docs');
    const kept = await sandbox.control.createFile(driveId, folder.id, 'kept.txt', 'kept');
    const removed = await sandbox.control.createFile(driveId, folder.id, 'removed.txt', 'removed');
    await sandbox.control.deleteItem(driveId, removed.id);
    await sandbox.control.generateItems(driveId, rootId, { count: 25 });

    const result = await enumerateDelta(`${deltaUrl}?$top=10`, token);
    expect(result.pages.length).toBeGreaterThan(2);
    expect(result.pages.slice(0, -1).every((page) => page['@odata.nextLink'] && !page['@odata.deltaLink'])).toBe(true);
    const ids = new Set(result.items.map((item) => item.id));
    expect(ids.has(rootId) && ids.has(folder.id) && ids.has(kept.id)).toBe(true);
    expect(ids.has(removed.id)).toBe(false);
    expect(result.items.some((item) => item.deleted)).toBe(false);
    expect(ids.size).toBe(1 + 2 + 25);
  });

  it('serves token=latest as an empty page with a deltaLink that then returns only later changes', async () => {
    await sandbox.control.createFile(driveId, rootId, 'before.txt', 'before');
    const latest = deltaPageSchema.parse((await graphGet(`${deltaUrl}?token=latest`, token)).body);
    expect(latest.value).toEqual([]);
    expect(latest['@odata.deltaLink']).toBeDefined();
    const after = await sandbox.control.createFile(driveId, rootId, 'after.txt', 'after');
    const changes = await enumerateDelta(latest['@odata.deltaLink']!, token);
    expect([...changes.latest.keys()].sort()).toEqual([rootId, after.id].sort());
  });

  it('returns the latest state once per change set, with the parent chain, deletions and Business omissions', async () => {
    const a = await sandbox.control.createFolder(driveId, rootId, 'a');
    const b = await sandbox.control.createFolder(driveId, a.id, 'b');
    const file = await sandbox.control.createFile(driveId, b.id, 'f.txt', 'v1');
    const doomed = await sandbox.control.createFile(driveId, rootId, 'doomed.txt', 'bye');
    const first = await enumerateDelta(deltaUrl, token);

    await sandbox.control.rename(driveId, file.id, 'g.txt');
    await sandbox.control.rename(driveId, file.id, 'h.txt');
    await sandbox.control.updateFile(driveId, file.id, 'v2');
    await sandbox.control.deleteItem(driveId, doomed.id);
    const second = await enumerateDelta(first.deltaLink, token);

    expect(second.items.filter((item) => item.id === file.id)).toHaveLength(1);
    const changed = second.latest.get(file.id)!;
    expect(changed.name).toBe('h.txt');
    expect(changed.cTag).toBeUndefined(); // Business omits cTag on create/modify
    expect(changed.parentReference).toEqual({ driveId, driveType: 'business', id: b.id }); // no path in delta
    for (const ancestor of [b.id, a.id, rootId]) expect(second.latest.has(ancestor)).toBe(true);
    const tombstone = second.latest.get(doomed.id)!;
    expect(tombstone.deleted).toEqual({ state: 'deleted' });
    expect(tombstone.name).toBeUndefined(); // Business omits name and cTag on delete
    expect(tombstone.cTag).toBeUndefined();
  });

  it('on personal drives keeps cTag on modify and omits cTag and size on delete', async () => {
    const personal = await sandbox.control.createDrive({ driveType: 'personal', ownerUserId: sandbox.defaultUserId });
    const url = `${sandbox.graphBaseUrl}/drives/${personal.driveId}/root/delta`;
    const kept = await sandbox.control.createFile(personal.driveId, personal.rootId, 'kept.txt', 'k');
    const gone = await sandbox.control.createFile(personal.driveId, personal.rootId, 'gone.txt', 'g');
    const first = await enumerateDelta(url, token);
    await sandbox.control.updateFile(personal.driveId, kept.id, 'k2');
    await sandbox.control.deleteItem(personal.driveId, gone.id);
    const second = await enumerateDelta(first.deltaLink, token);
    expect(second.latest.get(kept.id)!.cTag).toMatch(/^"c:/);
    const tombstone = second.latest.get(gone.id)!;
    expect(tombstone.deleted).toBeDefined();
    expect(tombstone.name).toBe('gone.txt');
    expect(tombstone.cTag).toBeUndefined();
    expect(tombstone.size).toBeUndefined();
  });

  it("accepts both token syntaxes: delta(token='…') and delta?token=…", async () => {
    const first = await enumerateDelta(deltaUrl, token);
    const file = await sandbox.control.createFile(driveId, rootId, 'x.txt', 'x');
    const tokenValue = new URL(first.deltaLink).searchParams.get('token')!;
    for (const url of [
      `${deltaUrl}?token=${encodeURIComponent(tokenValue)}`,
      `${deltaUrl}(token='${tokenValue}')`,
      `${deltaUrl}(token=%27${tokenValue}%27)`,
    ]) {
      const result = await enumerateDelta(url, token);
      expect(result.latest.has(file.id)).toBe(true);
    }
    const next = (await enumerateDelta(`${deltaUrl}?$top=1`, token)).pages[0]!['@odata.nextLink']!;
    expect(next).toMatch(/\/root\/delta\(token='[^']+'\)\?%24top=1$/);
  });

  it('treats $top as a hint: page sizes vary around it when jitter is on', async () => {
    await sandbox.control.generateItems(driveId, rootId, { count: 200 });
    const exact = await enumerateDelta(`${deltaUrl}?$top=20`, token);
    expect(exact.pages.slice(0, -1).every((page) => page.value.length === 20)).toBe(true);
    await sandbox.control.settings({ pageSizeJitter: 0.5 });
    const jittered = await enumerateDelta(`${deltaUrl}?$top=20`, token);
    const sizes = new Set(jittered.pages.slice(0, -1).map((page) => page.value.length));
    expect(sizes.size).toBeGreaterThan(1);
    expect(jittered.latest.size).toBe(201);
  });

  it('honours $select: id always, downloadUrl only when named, deleted stripped unless selected, options carried in links', async () => {
    const file = await sandbox.control.createFile(driveId, rootId, 'a.txt', 'a');
    await sandbox.control.createFile(driveId, rootId, 'b.txt', 'b');
    const plain = await enumerateDelta(deltaUrl, token);
    expect(plain.latest.get(file.id)!['@microsoft.graph.downloadUrl']).toBeUndefined();

    const selected = await enumerateDelta(`${deltaUrl}?$select=name,@microsoft.graph.downloadUrl&$top=1`, token);
    expect(selected.pages[0]!['@odata.nextLink']).toContain('%24select=name%2C%40microsoft.graph.downloadUrl');
    const selectedFile = selected.latest.get(file.id)!;
    expect(Object.keys(selectedFile).sort()).toEqual(['@microsoft.graph.downloadUrl', 'id', 'name']);
    const root = selected.latest.get(rootId)!;
    expect(Object.keys(root).sort()).toEqual(['id', 'name']);

    await sandbox.control.deleteItem(driveId, file.id);
    const withoutDeleted = await enumerateDelta(
      selected.deltaLink.replace('%24select=name%2C%40microsoft.graph.downloadUrl', '%24select=name'),
      token,
    );
    expect(withoutDeleted.latest.get(file.id)!.deleted).toBeUndefined();
    const withDeleted = await enumerateDelta(
      `${selected.deltaLink}`.replace('%24select=name%2C%40microsoft.graph.downloadUrl', '%24select=name%2Cdeleted'),
      token,
    );
    expect(withDeleted.latest.get(file.id)!.deleted).toEqual({ state: 'deleted' });
  });

  it('can repeat items within one enumeration and serve children before parents', async () => {
    const folder = await sandbox.control.createFolder(driveId, rootId, 'parent');
    await sandbox.control.generateItems(driveId, folder.id, { count: 100 });
    await sandbox.control.settings({ duplicateRate: 0.5, childFirst: 1 });
    const result = await enumerateDelta(`${deltaUrl}?$top=50`, token);
    expect(result.items.length).toBeGreaterThan(result.latest.size);
    const positions = new Map<string, number>();
    result.items.forEach((item, index) => positions.set(item.id, positions.get(item.id) ?? index));
    const childBeforeParent = result.items.some(
      (item) => item.parentReference?.id === folder.id && positions.get(item.id)! < positions.get(folder.id)!,
    );
    expect(childBeforeParent).toBe(true);
  });

  it('replays the same nextLink with the same page', async () => {
    await sandbox.control.generateItems(driveId, rootId, { count: 60 });
    await sandbox.control.settings({ pageSizeJitter: 0.5, duplicateRate: 0.2, childFirst: 0.5 });
    const firstPage = deltaPageSchema.parse((await graphGet(`${deltaUrl}?$top=10`, token)).body);
    const next = firstPage['@odata.nextLink']!;
    const once = deltaPageSchema.parse((await graphGet(next, token)).body);
    const twice = deltaPageSchema.parse((await graphGet(next, token)).body);
    expect(twice.value.map((item) => item.id)).toEqual(once.value.map((item) => item.id));
  });

  it('allows item-scoped delta on personal drives only', async () => {
    const personal = await sandbox.control.createDrive({ driveType: 'personal', ownerUserId: sandbox.defaultUserId });
    const scope = await sandbox.control.createFolder(personal.driveId, personal.rootId, 'scope');
    const inside = await sandbox.control.createFile(personal.driveId, scope.id, 'in.txt', 'in');
    const outside = await sandbox.control.createFile(personal.driveId, personal.rootId, 'out.txt', 'out');
    const scoped = await enumerateDelta(
      `${sandbox.graphBaseUrl}/drives/${personal.driveId}/items/${encodeURIComponent(scope.id)}/delta`,
      token,
    );
    expect(scoped.latest.has(inside.id)).toBe(true);
    expect(scoped.latest.has(outside.id)).toBe(false);

    const businessFolder = await sandbox.control.createFolder(driveId, rootId, 'sub');
    const refused = await graphGet(`${sandbox.graphBaseUrl}/drives/${driveId}/items/${businessFolder.id}/delta`, token);
    expect(refused.status).toBe(400);
    expect(graphErrorSchema.parse(refused.body).error.code).toBe('invalidRequest');
  });

  it('accepts timestamp tokens on Business only', async () => {
    await sandbox.control.createFile(driveId, rootId, 'old.txt', 'old');
    await sandbox.control.advanceClock(60_000);
    const since = new Date(await sandbox.control.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await sandbox.control.advanceClock(1_000);
    const fresh = await sandbox.control.createFile(driveId, rootId, 'new.txt', 'new');
    const result = await enumerateDelta(`${deltaUrl}?token=${encodeURIComponent(since)}`, token);
    expect([...result.latest.keys()].sort()).toEqual([rootId, fresh.id].sort());

    const personal = await sandbox.control.createDrive({ driveType: 'personal', ownerUserId: sandbox.defaultUserId });
    const refused = await graphGet(
      `${sandbox.graphBaseUrl}/drives/${personal.driveId}/root/delta?token=${encodeURIComponent(since)}`,
      token,
    );
    expect(refused.status).toBe(400);
  });

  it('answers 410 resyncRequired with a Location that restarts enumeration, for aged and expired tokens', async () => {
    await sandbox.control.createFile(driveId, rootId, 'a.txt', 'a');
    const first = await enumerateDelta(`${deltaUrl}?$top=1`, token);

    await sandbox.control.advanceClock(31 * DAY_MS);
    // The clock moved past the access token's lifetime too.
    token = await userAccessToken(sandbox);
    const aged = await graphGet(first.deltaLink, token);
    expect(aged.status).toBe(410);
    expect(graphErrorSchema.parse(aged.body).error.code).toBe('resyncRequired');
    const location = aged.headers.get('location')!;
    expect(location).toBe(`${deltaUrl}?%24top=1`);
    const restarted = await enumerateDelta(location, token);
    expect(restarted.latest.size).toBe(2);

    const partway = deltaPageSchema.parse((await graphGet(`${deltaUrl}?$top=1`, token)).body);
    await sandbox.control.expireDeltaTokens(driveId);
    expect((await graphGet(restarted.deltaLink, token)).status).toBe(410);
    expect((await graphGet(partway['@odata.nextLink']!, token)).status).toBe(410);
  });

  it('rejects forged tokens', async () => {
    const first = await enumerateDelta(deltaUrl, token);
    const forged = first.deltaLink.replace(/token=([^&]+)/, (_m, value: string) => `token=${value.slice(0, -2)}xx`);
    expect((await graphGet(forged, token)).status).toBe(400);
  });
});
