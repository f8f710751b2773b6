// The watch manager's store as an in-memory map, for unit tests of its decisions (the real table
// store is exercised on Azurite in the integration tests).
import type { SubscriptionStore, WatchRecord } from '../../shared/adapters/azure-tables/subscription-store.js';

export function memoryWatchStore(): {
  rows: Map<string, WatchRecord>;
  store: Pick<SubscriptionStore, 'get' | 'put' | 'delete'>;
} {
  const rows = new Map<string, WatchRecord>();
  return {
    rows,
    store: {
      get: async (id) => rows.get(id),
      put: async (row) => {
        rows.set(row.watchId, row);
      },
      delete: async (id) => {
        rows.delete(id);
      },
    },
  };
}
