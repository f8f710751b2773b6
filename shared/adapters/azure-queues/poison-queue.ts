// A message that can never be processed goes straight to `<queue>-poison`, where the host would put
// it after maxDequeueCount failures, instead of being retried for nothing.
import type { QueueClient } from '@azure/storage-queue';
import type { PoisonQueue } from '../../core/ports/poison-queue.js';
import { poisonQueueName } from '../storage/names.js';
import type { StorageClients } from '../storage/storage-clients.js';
import { encodeMessage } from './queue-writer.js';

export class StoragePoisonQueue implements PoisonQueue {
  /** `poison` is the `<queue>-poison` queue itself. */
  constructor(private readonly poison: QueueClient) {}

  async send(raw: unknown, reason: string): Promise<void> {
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw ?? null);
    await this.poison.sendMessage(encodeMessage({ rejected: text.slice(0, 16_000), problem: reason }));
  }
}

/** The poison queue of the queue named `queue` (one of storage/names.ts QUEUES). */
export function poisonQueueOf(storage: StorageClients, queue: string): PoisonQueue {
  return new StoragePoisonQueue(storage.queue(poisonQueueName(queue)));
}
