// Tree semantics of the applier, on an in-memory item table (pure logic; the real stores and the
// sandbox are exercised by the integration and e2e tests).
import { describe, expect, it } from 'vitest';
import type { RemoteItem } from '../../../shared/core/domain/remote-item.js';
import { sourceRecord } from '../../support/source-record.js';
import type { SourceRecord } from '../../../shared/core/domain/source.js';
import type { ItemState } from '../../../shared/core/domain/item-state.js';
import { driveContentChanged } from '../../../shared/providers/microsoft/drive/drive-content-version.js';
import { ChangeApplier, type ItemLookup } from '../../../shared/core/sync/change-applier.js';

class MemoryItems {
  rows = new Map<string, ItemState>();
  remoteTree: RemoteItem[] = [];
  lookup(): ItemLookup {
    return {
      getMany: async (ids) => new Map(ids.flatMap((id) => (this.rows.has(id) ? [[id, this.rows.get(id)!]] : []))),
      descendantsOf: async (folderId) => {
        const out: ItemState[] = [];
        let level = [folderId];
        while (level.length) {
          const children = [...this.rows.values()].filter((r) => r.parentId && level.includes(r.parentId));
          out.push(...children);
          level = children.filter((c) => c.isFolder).map((c) => c.id);
        }
        return out;
      },
      listRemoteSubtree: (folderId) => {
        const tree = this.remoteTree;
        return (async function* () {
          let level = [folderId];
          while (level.length) {
            const children = tree.filter((r) => r.parentId && level.includes(r.parentId));
            if (children.length) yield children;
            level = children.filter((c) => c.isFolder).map((c) => c.id);
          }
        })();
      },
    };
  }
}

function source(overrides: Parameters<typeof sourceRecord>[0] = {}): SourceRecord {
  return sourceRecord(overrides);
}

const root: RemoteItem = { id: 'root', kind: 'file', isFolder: true, isRoot: true, deleted: false, name: 'root' };
const folder = (id: string, name: string, parentId: string): RemoteItem => ({
  id,
  kind: 'file',
  name,
  parentId,
  isFolder: true,
  isRoot: false,
  deleted: false,
  eTag: `e-${id}-${name}`,
});
const file = (
  id: string,
  name: string,
  parentId: string,
  hash = `h-${id}`,
  extra: Partial<RemoteItem> = {},
): RemoteItem => ({
  id,
  kind: 'file',
  name,
  parentId,
  isFolder: false,
  isRoot: false,
  deleted: false,
  size: 10,
  contentHash: { algorithm: 'quickXorHash', value: hash },
  eTag: `e-${id}-${name}-${hash}-${parentId}`,
  ...extra,
});
const gone = (id: string): RemoteItem => ({ id, kind: 'file', isFolder: false, isRoot: false, deleted: true });

async function applyAndStore(applier: ChangeApplier, items: MemoryItems, page: RemoteItem[]) {
  const outcome = await applier.applyPage(page);
  for (const row of outcome.writes) items.rows.set(row.id, row);
  for (const id of outcome.removals) items.rows.delete(id);
  return outcome;
}

const summary = (events: { op: string; itemId: string; path: string | null; contentChanged: boolean }[]) =>
  events.map((e) => `${e.op} ${e.itemId} ${e.path} ${e.contentChanged ? 'content' : 'meta'}`);

describe('ChangeApplier', () => {
  it('derives paths when children arrive before their parents', async () => {
    const items = new MemoryItems();
    const applier = new ChangeApplier(source(), items.lookup(), {
      contentChanged: driveContentChanged,
      freshCrawl: true,
    });
    const first = await applyAndStore(applier, items, [file('f1', 'a.txt', 'A'), folder('A', 'Docs', 'root')]);
    expect(summary(first.events)).toEqual([]);
    expect(applier.pendingCount).toBe(2);
    const second = await applyAndStore(applier, items, [root]);
    expect(summary(second.events)).toEqual(['upsert f1 /Docs/a.txt content']);
    expect(applier.pendingCount).toBe(0);
  });

  it('lets the last occurrence of an item in a page win', async () => {
    const items = new MemoryItems();
    const applier = new ChangeApplier(source(), items.lookup(), {
      contentChanged: driveContentChanged,
      freshCrawl: true,
    });
    const out = await applyAndStore(applier, items, [root, file('f', 'old.txt', 'root'), file('f', 'new.txt', 'root')]);
    expect(summary(out.events)).toEqual(['upsert f /new.txt content']);
  });

  it('reports a rename as a metadata upsert, and a hash change as content, without cTag (Business)', async () => {
    const items = new MemoryItems();
    const applier = new ChangeApplier(source(), items.lookup(), {
      contentChanged: driveContentChanged,
      freshCrawl: false,
    });
    await applyAndStore(applier, items, [root, file('f', 'a.txt', 'root', 'h1')]);
    const renamed = await applyAndStore(applier, items, [file('f', 'b.txt', 'root', 'h1')]);
    expect(summary(renamed.events)).toEqual(['upsert f /b.txt meta']);
    const edited = await applyAndStore(applier, items, [file('f', 'b.txt', 'root', 'h2')]);
    expect(summary(edited.events)).toEqual(['upsert f /b.txt content']);
    const touched = await applyAndStore(applier, items, [file('f', 'b.txt', 'root', 'h2')]);
    expect(touched.events).toEqual([]);
  });

  it('cascades a folder rename to every file below it', async () => {
    const items = new MemoryItems();
    const applier = new ChangeApplier(source(), items.lookup(), {
      contentChanged: driveContentChanged,
      freshCrawl: false,
    });
    await applyAndStore(applier, items, [
      root,
      folder('A', 'A', 'root'),
      folder('B', 'B', 'A'),
      file('f1', '1.txt', 'A'),
      file('f2', '2.txt', 'B'),
    ]);
    const out = await applyAndStore(applier, items, [folder('A', 'Z', 'root')]);
    expect(summary(out.events).sort()).toEqual(['upsert f1 /Z/1.txt meta', 'upsert f2 /Z/B/2.txt meta']);
  });

  it('keeps contentChanged on the last event of a file edited in a folder renamed in the same round', async () => {
    const tree = () => [root, folder('A', 'A', 'root'), file('f1', '1.txt', 'A', 'h1'), file('f2', '2.txt', 'root')];
    // Edit first, then the folder's rename (one page; and over two pages, stored in between).
    for (const pages of [
      [[file('f1', '1.txt', 'A', 'h2'), folder('A', 'Z', 'root')]],
      [[file('f1', '1.txt', 'A', 'h2')], [folder('A', 'Z', 'root')]],
    ]) {
      const items = new MemoryItems();
      await applyAndStore(
        new ChangeApplier(source(), items.lookup(), { contentChanged: driveContentChanged, freshCrawl: false }),
        items,
        tree(),
      );
      const round = new ChangeApplier(source(), items.lookup(), {
        contentChanged: driveContentChanged,
        freshCrawl: false,
        roundId: 'round-2',
      });
      const events = [];
      for (const page of pages) events.push(...(await applyAndStore(round, items, page)).events);
      expect(summary(events)).toEqual(['upsert f1 /A/1.txt content', 'upsert f1 /Z/1.txt content']);
      // The next round's rename is only a rename again.
      const next = new ChangeApplier(source(), items.lookup(), {
        contentChanged: driveContentChanged,
        freshCrawl: false,
        roundId: 'round-3',
      });
      expect(summary((await applyAndStore(next, items, [folder('A', 'Y', 'root')])).events)).toEqual([
        'upsert f1 /Y/1.txt meta',
      ]);
    }
  });

  it('stages deletes for a deleted folder and its files instead of emitting them', async () => {
    const items = new MemoryItems();
    const applier = new ChangeApplier(source(), items.lookup(), {
      contentChanged: driveContentChanged,
      freshCrawl: false,
    });
    await applyAndStore(applier, items, [
      root,
      folder('A', 'A', 'root'),
      file('f1', '1.txt', 'A'),
      file('f2', '2.txt', 'root'),
    ]);
    const out = await applyAndStore(applier, items, [gone('A')]);
    expect(out.events).toEqual([]);
    expect(out.staged.map((row) => [row.id, row.path])).toEqual([['f1', '/A/1.txt']]);
    expect(items.rows.has('A')).toBe(false);
    expect(items.rows.get('f1')?.deleteHeld).toBe(true);
  });

  it('keeps only the scoped folder, and stages a file moved out of scope', async () => {
    const items = new MemoryItems();
    const applier = new ChangeApplier(source({ scopeItemId: 'S' }), items.lookup(), {
      contentChanged: driveContentChanged,
      freshCrawl: false,
    });
    const crawl = await applyAndStore(applier, items, [
      root,
      folder('S', 'Scope', 'root'),
      folder('O', 'Other', 'root'),
      file('in', 'in.txt', 'S'),
      file('out', 'out.txt', 'O'),
    ]);
    expect(summary(crawl.events)).toEqual(['upsert in /in.txt content']);
    expect(items.rows.has('out')).toBe(false);
    const moved = await applyAndStore(applier, items, [file('in', 'in.txt', 'O')]);
    expect(moved.events).toEqual([]);
    expect(moved.staged.map((row) => row.id)).toEqual(['in']);
  });

  it('lists the subtree of a folder that moves into scope', async () => {
    const items = new MemoryItems();
    const applier = new ChangeApplier(source({ scopeItemId: 'S' }), items.lookup(), {
      contentChanged: driveContentChanged,
      freshCrawl: false,
    });
    await applyAndStore(applier, items, [
      root,
      folder('S', 'Scope', 'root'),
      folder('O', 'Other', 'root'),
      file('x', 'x.txt', 'O'),
    ]);
    items.remoteTree = [file('x', 'x.txt', 'O')];
    const out = await applyAndStore(applier, items, [folder('O', 'Other', 'S')]);
    expect(summary(out.events)).toEqual(['upsert x /Other/x.txt content']);
  });

  it('applies file filters (extension and size)', async () => {
    const items = new MemoryItems();
    const applier = new ChangeApplier(source({ filters: { extensions: ['.md'], maxSizeBytes: 100 } }), items.lookup(), {
      contentChanged: driveContentChanged,
      freshCrawl: true,
    });
    const out = await applyAndStore(applier, items, [
      root,
      file('a', 'a.md', 'root'),
      file('b', 'b.txt', 'root'),
      file('c', 'c.md', 'root', 'h', { size: 1000 }),
    ]);
    expect(summary(out.events)).toEqual(['upsert a /a.md content']);
  });
});
