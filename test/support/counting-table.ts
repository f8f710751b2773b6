// Counts the reads (GET requests) the real Table SDK client sends for one table, through a pipeline
// policy on every TableClient the app asks for: what the webhook costs in storage operations.
import type { TableClient } from '@azure/data-tables';
import type { StorageClients } from '../../shared/adapters/storage/storage-clients.js';

type PipelinePolicy = Parameters<TableClient['pipeline']['addPolicy']>[0];

export interface TableReadCounter {
  reads: number;
  inFlight: number;
  maxInFlight: number;
  /** Zeroes the counts (between phases of a test or benchmark). */
  reset(): void;
}

export function newTableReadCounter(): TableReadCounter {
  return {
    reads: 0,
    inFlight: 0,
    maxInFlight: 0,
    reset() {
      this.reads = 0;
      this.maxInFlight = 0;
    },
  };
}

export function countingPolicy(counter: TableReadCounter): PipelinePolicy {
  return {
    name: 'count-table-reads',
    async sendRequest(request, next) {
      if (request.method !== 'GET') return next(request);
      counter.reads += 1;
      counter.inFlight += 1;
      counter.maxInFlight = Math.max(counter.maxInFlight, counter.inFlight);
      try {
        return await next(request);
      } finally {
        counter.inFlight -= 1;
      }
    },
  };
}

/** The same storage, with the reads of app table `tableName` counted into `counter`. */
export function countingTableReads(
  storage: StorageClients,
  tableName: string,
  counter: TableReadCounter,
): StorageClients {
  return {
    ...storage,
    table: (name) => {
      const table = storage.table(name);
      if (name === tableName) table.pipeline.addPolicy(countingPolicy(counter));
      return table;
    },
  };
}
