// The maintenance timer's one use case: fan-out to maintenance-work, then both cleanups, each counted.
import { describe, expect, it } from 'vitest';
import { runMaintenanceTick } from '../../../shared/core/maintenance/maintenance-tick.js';
import type { MaintenanceWorkMessage } from '../../../shared/core/maintenance/maintenance-messages.js';
import type { SourceRecord } from '../../../shared/core/domain/source.js';

async function* records(ids: string[]): AsyncIterable<SourceRecord> {
  for (const sourceId of ids) yield { kbId: 'kb', sourceId } as SourceRecord;
}

describe('runMaintenanceTick', () => {
  it('queues one message per source, then deletes expired leases and purges expired connect flows', async () => {
    const sent: MaintenanceWorkMessage[] = [];
    const purgedAt: number[] = [];
    const order: string[] = [];
    const report = await runMaintenanceTick({
      fanOut: {
        listSources: () => records(['a', 'b', 'c']),
        send: async (message) => {
          sent.push(message);
          order.push('send');
        },
        now: () => new Date('2026-01-01T00:00:00Z'),
      },
      deleteExpiredLeases: async () => {
        order.push('leases');
        return 4;
      },
      connectStates: {
        purgeExpired: async (nowMs) => {
          purgedAt.push(nowMs);
          order.push('connect');
          return 2;
        },
      },
      now: () => 1_234,
    });
    expect(report).toEqual({ queued: 3, leasesDeleted: 4, connectFlowsPurged: 2 });
    expect(sent.map((message) => message.sourceId)).toEqual(['a', 'b', 'c']);
    expect(purgedAt).toEqual([1_234]);
    expect(order).toEqual(['send', 'send', 'send', 'leases', 'connect']);
  });
});
