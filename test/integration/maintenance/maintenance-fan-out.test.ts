// Maintenance's storage-facing parts against Azurite: the fan-out queues one message per source
// (spread over the visibility window), and the expired-lease cleanup deletes only lease rows that
// expired long ago, never live leases or the other rows that share the leases table.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sourceRecord } from '../../support/source-record.js';
import type { SourceRecord } from '../../../shared/core/domain/source.js';
import { deleteExpiredLeases } from '../../../shared/adapters/azure-tables/expired-lease-cleanup.js';
import { fanOutMaintenance } from '../../../shared/core/maintenance/maintenance-fan-out.js';
import { MaintenanceMarksStore } from '../../../shared/adapters/azure-tables/maintenance-marks.js';
import type { MaintenanceWorkMessage } from '../../../shared/core/maintenance/maintenance-messages.js';
import { DebounceStore } from '../../../shared/adapters/azure-tables/debounce-store.js';
import { sendJson } from '../../../shared/adapters/azure-queues/queue-writer.js';
import { SourceStore } from '../../../shared/adapters/azure-tables/source-store.js';
import { QUEUES, TABLES } from '../../../shared/adapters/storage/names.js';
import { TableLeaseStore } from '../../../shared/adapters/azure-tables/table-lease.js';
import { createAppStorage, isolatedStorage } from '../../support/isolated-storage.js';
import { storageConnectionString } from '../../support/storage.js';

let storage: ReturnType<typeof isolatedStorage>;

beforeAll(async () => {
  storage = isolatedStorage(storageConnectionString());
  await createAppStorage(storage);
});

afterAll(async () => {
  await storage.queue(QUEUES.maintenanceWork).delete();
});

function source(kbId: string, sourceId: string): SourceRecord {
  return sourceRecord({ kbId, sourceId });
}

describe('fanOutMaintenance', () => {
  test('queues exactly one message per source, spread over the window', async () => {
    const sources = new SourceStore(storage.table(TABLES.sources));
    for (let kb = 0; kb < 5; kb++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => sources.put(source(`kb${kb}`, `s${i}`))));
    }
    const queue = storage.queue(QUEUES.maintenanceWork);
    const sent: { message: MaintenanceWorkMessage; delaySeconds: number }[] = [];
    const { queued } = await fanOutMaintenance({
      listSources: () => sources.listAll(),
      send: async (message, delaySeconds) => {
        sent.push({ message, delaySeconds });
        await sendJson(queue, message, { delaySeconds });
      },
      spreadSeconds: 60,
    });
    expect(queued).toBe(250);
    expect(new Set(sent.map(({ message }) => `${message.kbId}|${message.sourceId}`)).size).toBe(250);
    expect(Math.max(...sent.map(({ delaySeconds }) => delaySeconds))).toBe(59);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(250);
  });
});

describe('deleteExpiredLeases', () => {
  test('deletes leases expired long ago and nothing else', async () => {
    const table = storage.table(TABLES.leases);
    const longAgo = Date.now() - 2 * 3_600_000;
    const oldLeases = new TableLeaseStore(table, 'sync', { now: () => longAgo });
    await oldLeases.tryAcquire('old-1', 1_000);
    await oldLeases.tryAcquire('old-2', 1_000);
    const live = new TableLeaseStore(table, 'sync');
    await live.tryAcquire('live', 60_000);
    const justExpired = new TableLeaseStore(table, 'sync', { now: () => Date.now() - 60_000 });
    await justExpired.tryAcquire('just-expired', 1_000);
    await new DebounceStore(table).write({ kbId: 'kb', sourceId: 's' }, { lastNotificationAtMs: longAgo }, undefined);
    await new MaintenanceMarksStore(table).mark({ kbId: 'kb', sourceId: 's' }, { pollQueuedAtMs: longAgo });

    expect(await deleteExpiredLeases(table)).toBe(2);
    const left: string[] = [];
    for await (const entity of table.listEntities()) left.push(`${entity.partitionKey}/${entity.rowKey}`);
    expect(left.sort()).toEqual(['maintenance/kb|s', 'sync-debounce/kb|s', 'sync/just-expired', 'sync/live']);
  });
});
