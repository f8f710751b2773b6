// fetchChanges against the sandbox tenant: full enumeration through absolute nextLinks, incremental
// from a deltaLink, 410 → restart, gone drive → permanent error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangePage, RemoteItem } from '../../../shared/core/domain/remote-item.js';
import { DEFAULT_CURSOR, type SourceRecord } from '../../../shared/core/domain/source.js';
import type { SyncProvider } from '../../../shared/core/ports/provider-ports.js';
import { CursorExpiredError, PermanentSourceError } from '../../../shared/core/domain/errors.js';
import { startProviderHarness, type ProviderHarness } from '../../support/provider-harness.js';
import { driveView, sourceRecordFor } from '../../support/source-record.js';

const MAX_PAGES = 200;

/** Follows nextCursors until a finalCursor (bounded), returning every page. */
async function enumerate(provider: SyncProvider, source: SourceRecord, cursor?: string) {
  const pages: ChangePage[] = [];
  let next = cursor;
  for (let i = 0; i < MAX_PAGES; i += 1) {
    const page = await provider.fetchChanges(source, DEFAULT_CURSOR, next);
    pages.push(page);
    if (page.finalCursor !== undefined) return { pages, finalCursor: page.finalCursor };
    next = page.nextCursor;
  }
  throw new Error('enumeration did not finish within the page bound');
}

/** Last occurrence wins (docs/graph-behaviour.md §1: an item may appear twice in one enumeration). */
function latestById(pages: ChangePage[]): Map<string, RemoteItem> {
  const items = new Map<string, RemoteItem>();
  for (const page of pages) for (const item of page.items) items.set(item.id, item);
  return items;
}

describe('OneDrive provider: delta against the sandbox', () => {
  let harness: ProviderHarness;
  let source: SourceRecord;
  let rootId: string;

  beforeAll(async () => {
    harness = await startProviderHarness({ defaultPageSize: 10 });
    const drive = await harness.sandbox.control.createDrive({
      driveType: 'business',
      ownerUserId: harness.sandbox.defaultUserId,
    });
    rootId = drive.rootId;
    source = sourceRecordFor(drive.driveId);
    await harness.sandbox.control.generateItems(drive.driveId, rootId, { count: 45, foldersEvery: 9 });
  });

  afterAll(() => harness.stop());

  it('enumerates every item over several pages through absolute nextLinks, each carrying the bearer token', async () => {
    await harness.sandbox.control.clearRequestLog();
    const { pages, finalCursor } = await enumerate(harness.provider, source);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages.slice(0, -1)) {
      expect(page.nextCursor).toMatch(new RegExp(`^${harness.sandbox.graphBaseUrl.replace(/[.]/g, '\\.')}/`));
      expect(page.finalCursor).toBeUndefined();
    }
    expect(finalCursor.startsWith(harness.sandbox.graphBaseUrl)).toBe(true);

    const items = latestById(pages);
    // 45 generated items plus the root.
    expect(items.size).toBe(46);
    const root = items.get(rootId);
    expect(root).toMatchObject({ isRoot: true, isFolder: true, deleted: false });
    expect(root).not.toHaveProperty('parentId');
    const files = [...items.values()].filter((item) => !item.isFolder);
    expect(files.length).toBe(40);
    for (const file of files) {
      expect(file.name).toMatch(/\.txt$/);
      expect(file.parentId).toBeDefined();
      expect(file.eTag).toBeDefined();
      expect(file.contentHash?.algorithm).toBe('quickXorHash');
      expect(file.contentHash?.value).toBeDefined();
    }

    const deltaCalls = (await harness.sandbox.control.requestLog()).filter((entry) => entry.path.includes('/delta'));
    expect(deltaCalls.length).toBe(pages.length);
    for (const call of deltaCalls) {
      expect(call.status).toBe(200);
      expect(call.userId).toBe(harness.sandbox.defaultUserId);
    }
  });

  it('returns only what changed since a deltaLink, deletes included with their deleted facet', async () => {
    const { finalCursor } = await enumerate(harness.provider, source);
    const { control } = harness.sandbox;
    const added = await control.createFile(driveView(source).driveId, rootId, 'added.md', '# new');
    const doomed = await control.createFile(driveView(source).driveId, rootId, 'doomed.md', 'bye');
    const second = await enumerate(harness.provider, source, finalCursor);
    await control.deleteItem(driveView(source).driveId, doomed.id);
    await control.updateFile(driveView(source).driveId, added.id, '# new, edited');

    const { pages } = await enumerate(harness.provider, source, second.finalCursor);
    const items = latestById(pages);
    expect(items.get(added.id)).toMatchObject({ name: 'added.md', deleted: false, size: '# new, edited'.length });
    const deleted = items.get(doomed.id);
    expect(deleted?.deleted).toBe(true);
    // Business deletes carry no name or cTag (docs/graph-behaviour.md §1).
    expect(deleted).not.toHaveProperty('name');
    expect(deleted).not.toHaveProperty('cTag');
    // Nothing of the first generation came back.
    expect([...items.values()].filter((item) => item.name?.startsWith('gen-'))).toEqual([]);
  });

  it('answers an expired cursor with CursorExpiredError whose restart cursor re-enumerates everything', async () => {
    const { finalCursor } = await enumerate(harness.provider, source);
    await harness.sandbox.control.expireDeltaTokens(driveView(source).driveId);
    const error = await harness.provider
      .fetchChanges(source, DEFAULT_CURSOR, finalCursor)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CursorExpiredError);
    const restart = (error as CursorExpiredError).restartCursor;
    expect(restart?.startsWith(harness.sandbox.graphBaseUrl)).toBe(true);

    const { pages } = await enumerate(harness.provider, source, restart);
    const items = latestById(pages);
    expect(items.size).toBeGreaterThanOrEqual(46);
    expect([...items.values()].every((item) => !item.deleted)).toBe(true);
  });

  it('restarts from scratch when a cursor points at another Graph endpoint', async () => {
    const error = await harness.provider
      .fetchChanges(source, DEFAULT_CURSOR, 'https://127.0.0.2:1/v1.0/drives/x/root/delta?token=abc')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CursorExpiredError);
    expect((error as CursorExpiredError).restartCursor).toBeUndefined();
  });

  it('fails permanently (404) when the drive does not exist', async () => {
    const missing = sourceRecordFor('no-such-drive');
    const error = await harness.provider
      .fetchChanges(missing, DEFAULT_CURSOR, undefined)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentSourceError);
    expect((error as PermanentSourceError).status).toBe(404);
    await expect(harness.provider.validateConnection(missing)).rejects.toBeInstanceOf(PermanentSourceError);
    await expect(harness.provider.validateConnection(source)).resolves.toBeUndefined();
  });
});
