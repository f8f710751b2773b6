// Storage clients whose queue and table names carry a per-test prefix, so tests that use the app's
// fixed names (graph-notifications, subscriptions, …) never see each other's messages or rows on the
// shared Azurite. The app code is unchanged: it asks for names through StorageClients as usual.
import { randomBytes } from 'node:crypto';
import { createStorageClients, type StorageClients } from '../../shared/adapters/storage/storage-clients.js';
import { ALL_QUEUES, ALL_TABLES } from '../../shared/adapters/storage/names.js';

export interface IsolatedStorage extends StorageClients {
  /** The prefixed name of an app queue, for a local host's queue definitions. */
  queueName(name: string): string;
}

export function isolatedStorage(connectionString: string): IsolatedStorage {
  const tag = `t${randomBytes(4).toString('hex')}`;
  const base = createStorageClients({ kind: 'connectionString', connectionString });
  const queueName = (name: string) => `${tag}-${name}`;
  return {
    queueService: base.queueService,
    tableService: base.tableService,
    queue: (name) => base.queue(queueName(name)),
    // Table names are alphanumeric only.
    table: (name) => base.table(`${tag}${name}`),
    queueName,
  };
}

export async function createAppStorage(storage: StorageClients): Promise<void> {
  await Promise.all([
    ...ALL_QUEUES.flatMap((queue) => [
      storage.queue(queue).createIfNotExists(),
      storage.queue(`${queue}-poison`).createIfNotExists(),
    ]),
    ...ALL_TABLES.map((table) => storage.table(table).createTable()),
  ]);
}

/** Decoded JSON bodies of the messages currently visible on a queue (peek: they stay there). */
export async function peekJson(storage: StorageClients, queue: string): Promise<unknown[]> {
  const peeked = await storage.queue(queue).peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((item): unknown =>
    JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')),
  );
}
