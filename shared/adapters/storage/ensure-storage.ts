// Creates every queue (with its poison queue) and table the app uses. Idempotent; run at start-up.
import { ALL_QUEUES, ALL_TABLES, poisonQueueName } from './names.js';
import type { StorageClients } from './storage-clients.js';

export async function ensureStorage(clients: StorageClients): Promise<void> {
  await Promise.all([
    ...ALL_QUEUES.flatMap((queue) => [
      clients.queue(queue).createIfNotExists(),
      clients.queue(poisonQueueName(queue)).createIfNotExists(),
    ]),
    ...ALL_TABLES.map((table) => clients.tableService.createTable(table)),
  ]);
}
