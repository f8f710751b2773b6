// Rows written before sources had locations and named cursors, items had neutral content hashes and
// events had kinds must load after the upgrade, on Azurite with the real stores: a source row in the
// old columns (drive, scope, driveId, driveType, scopeItemId, cursor, cursorKind, …), an item row with
// quickXorHash/sha1Hash/cTag columns, and events appended without kind. A drive source whose row is in
// the old format goes on syncing from its stored cursor.
import type { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeedStore } from '../../../shared/adapters/azure-tables/change-feed-store.js';
import { ItemStore } from '../../../shared/adapters/azure-tables/item-store.js';
import { SourceStore } from '../../../shared/adapters/azure-tables/source-store.js';
import type { ChangeEventBody } from '../../../shared/core/domain/change-event.js';
import type { SourceRecord } from '../../../shared/core/domain/source.js';
import { toStatusView } from '../../../shared/core/sources/source-status-view.js';
import { driveView } from '../../support/source-record.js';
import { freshTable } from '../../support/storage.js';
import { describeEvents, startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';

/** The entity the previous release wrote for a drive source (JSON strings for nested fields). */
function legacyEntity(record: ReturnType<typeof driveView>, drive: unknown, scope?: unknown) {
  return {
    partitionKey: record.kbId,
    rowKey: record.sourceId,
    type: record.type,
    drive: JSON.stringify(drive),
    ...(scope === undefined ? {} : { scope: JSON.stringify(scope) }),
    driveId: record.driveId,
    driveType: record.driveType,
    ...(record.scopeItemId ? { scopeItemId: record.scopeItemId } : {}),
    filters: JSON.stringify(record.filters),
    pollIntervalSeconds: record.pollIntervalSeconds,
    auth: record.auth,
    state: record.state,
    mode: record.mode,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    itemCount: record.itemCount,
    ...(record.cursor ? { cursor: record.cursor, cursorKind: record.cursorKind } : {}),
    ...(record.cursorUpdatedAt ? { cursorUpdatedAt: record.cursorUpdatedAt } : {}),
    ...(record.lastSyncAt ? { lastSyncAt: record.lastSyncAt, lastSyncResult: record.lastSyncResult } : {}),
    ...(record.roundStartedAt ? { roundStartedAt: record.roundStartedAt } : {}),
    ...(record.syncedAsOf ? { syncedAsOf: record.syncedAsOf } : {}),
    pendingCount: record.pendingCount ?? 0,
  };
}

describe('rows in the format of the previous release', () => {
  let table: TableClient;
  let sources: SourceStore;
  beforeAll(async () => {
    table = await freshTable('sources');
    sources = new SourceStore(table);
  });

  it('load a source row as the drive location, its resolved ids and the default cursor', async () => {
    const now = '2026-05-01T10:00:00.000Z';
    await table.createEntity({
      partitionKey: 'kb',
      rowKey: 'legacy',
      type: 'sharepoint',
      drive: JSON.stringify({ siteId: 'contoso.sharepoint.com', libraryName: 'Policies' }),
      scope: JSON.stringify({ path: '/HR' }),
      driveId: 'b!abc',
      driveType: 'business',
      scopeItemId: '01HR',
      filters: JSON.stringify({ extensions: ['.pdf'] }),
      pollIntervalSeconds: 900,
      auth: 'delegated',
      state: 'active',
      mode: 'webhook',
      createdAt: now,
      updatedAt: now,
      itemCount: 3,
      cursor: 'https://graph.microsoft.com/v1.0/drives/b!abc/root/delta?token=t1',
      cursorKind: 'next',
      cursorUpdatedAt: now,
      resyncRunId: 'run-1',
      subscriptionId: 'sub-1',
    });
    const record = (await sources.get({ kbId: 'kb', sourceId: 'legacy' }))!.record;
    expect(record.location).toEqual({
      drive: { siteId: 'contoso.sharepoint.com', libraryName: 'Policies' },
      scope: { path: '/HR' },
    });
    expect(record.resolvedLocation).toEqual({ driveId: 'b!abc', driveType: 'business', scopeItemId: '01HR' });
    expect(record.cursors).toEqual({
      default: {
        value: 'https://graph.microsoft.com/v1.0/drives/b!abc/root/delta?token=t1',
        kind: 'next',
        updatedAt: now,
        resyncRunId: 'run-1',
      },
    });
    expect(record).not.toHaveProperty('cursor');
    expect(record).not.toHaveProperty('driveId');
    expect(record.subscriptionId).toBe('sub-1');
    expect(record.filters).toEqual({ extensions: ['.pdf'] });

    // The status view shows what it showed before, from the upgraded record.
    const view = toStatusView(record, new Date(Date.parse(now) + 5_000));
    expect(view).toMatchObject({
      type: 'sharepoint',
      drive: { siteId: 'contoso.sharepoint.com', libraryName: 'Policies' },
      driveId: 'b!abc',
      driveType: 'business',
      scope: { path: '/HR' },
      scopeItemId: '01HR',
      cursorAgeSeconds: 5,
    });

    // Written back in the new shape, without the old columns.
    await sources.update(record, (current) => ({ ...current, itemCount: 4 }));
    const entity = await table.getEntity<Record<string, unknown>>('kb', 'legacy');
    expect(Object.keys(entity)).not.toEqual(expect.arrayContaining(['cursor']));
    expect(entity).not.toHaveProperty('driveId');
    expect(entity).not.toHaveProperty('drive');
    expect((await sources.get(record))!.record).toMatchObject({
      itemCount: 4,
      resolvedLocation: record.resolvedLocation,
    });
  });

  it('load an item row with the old hash columns as the neutral content hash and version', async () => {
    const itemsTable = await freshTable('items');
    const items = new ItemStore(itemsTable);
    const key = { kbId: 'kb', sourceId: 'src' };
    // Written through the store, then rewritten with the old column names.
    await items.write(
      key,
      [{ id: 'F1', name: 'a.txt', isFolder: false, isRoot: false, inScope: true, included: true, pending: false }],
      [],
    );
    const rows = [];
    for await (const row of itemsTable.listEntities<Record<string, unknown>>()) rows.push(row);
    expect(rows).toHaveLength(1);
    const { partitionKey, rowKey, ...columns } = rows[0]!;
    await itemsTable.upsertEntity(
      {
        ...columns,
        partitionKey: partitionKey!,
        rowKey: rowKey!,
        quickXorHash: 'qx==',
        sha1Hash: 'AB',
        cTag: 'c1',
        eTag: 'e1',
      },
      'Replace',
    );
    expect(await items.get(key, 'F1')).toMatchObject({
      id: 'F1',
      eTag: 'e1',
      contentHash: { algorithm: 'quickXorHash', value: 'qx==' },
      contentVersion: { sha1Hash: 'AB', cTag: 'c1' },
    });
    expect(await items.get(key, 'F1')).not.toHaveProperty('quickXorHash');
  });

  it('read events appended without kind as schema version 1 file events', async () => {
    const feed = new ChangeFeedStore(await freshTable('changes'), await freshTable('counters'));
    const old = {
      eventId: 'id-1',
      kbId: 'kbold',
      sourceId: 'src',
      itemId: 'F1',
      op: 'upsert',
      contentChanged: true,
      name: 'a.txt',
      path: '/a.txt',
      mimeType: 'text/plain',
      size: 1,
      eTag: 'e1',
      quickXorHash: 'qx==',
      lastModifiedDateTime: null,
      webUrl: null,
    };
    await feed.append('kbold', [old as unknown as ChangeEventBody]);
    const [event] = (await feed.read('kbold', '', 10)).events;
    expect(event).toMatchObject({
      ...old,
      schemaVersion: 1,
      kind: 'file',
      contentHash: { algorithm: 'quickXorHash', value: 'qx==' },
    });
  });
});

describe('a drive source whose row is in the previous format', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterAll(async () => h.stop());

  it('goes on syncing from its stored cursor', async () => {
    const c = h.sandbox.control;
    const { driveId, rootId } = await c.createDrive({ driveType: 'business' });
    await c.createFile(driveId, rootId, 'first.txt', 'first');
    const key = { kbId: 'kblegacy', sourceId: 'src' };
    await h.register({ ...key, driveId });
    expect((await h.syncer().run(key)).status).toBe('synced');
    const synced: SourceRecord = (await h.sources.get(key))!.record;
    const flat = driveView(synced);
    expect(flat.cursorKind).toBe('final');
    // Replace the row with what the previous release wrote for the same state.
    await h.sources.delete(key);
    await h.sourcesTable.createEntity(legacyEntity(flat, { driveId }));
    await c.createFile(driveId, rootId, 'second.txt', 'second');
    const before = (await h.allEvents(key.kbId)).length;
    expect((await h.syncer().run(key)).status).toBe('synced');
    // Only the new file: the stored deltaLink was used, nothing was enumerated again.
    expect(describeEvents((await h.allEvents(key.kbId)).slice(before))).toEqual(['upsert /second.txt content']);
  });
});
