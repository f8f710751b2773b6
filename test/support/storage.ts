// Per-test storage on the shared Azurite: unique table and queue names so tests never see each
// other's data, with the real SDK clients.
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { inject } from 'vitest';

export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`.toLowerCase();
}

export function storageConnectionString(): string {
  return inject('storageConnectionString');
}

export async function freshTable(prefix = 't'): Promise<TableClient> {
  const table = TableClient.fromConnectionString(storageConnectionString(), uniqueName(prefix), {
    allowInsecureConnection: true,
  });
  await table.createTable();
  return table;
}
