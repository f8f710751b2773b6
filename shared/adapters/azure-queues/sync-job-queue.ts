// Enqueues sync jobs for a source on the sync-jobs Storage queue.
import type { SourceKey } from '../../core/domain/source.js';
import type { SyncJobQueue } from '../../core/ports/sync-job-queue.js';
import { QUEUES } from '../storage/names.js';
import type { StorageClients } from '../storage/storage-clients.js';
import type { SyncJobMessage } from '../../core/queue/messages.js';
import { sendJson } from './queue-writer.js';

export class StorageSyncJobQueue implements SyncJobQueue {
  constructor(private readonly storage: StorageClients) {}

  async enqueue(key: SourceKey, reason: SyncJobMessage['reason'], delaySeconds?: number): Promise<void> {
    const message: SyncJobMessage = {
      kbId: key.kbId,
      sourceId: key.sourceId,
      reason,
      requestedAt: new Date().toISOString(),
    };
    await sendJson(this.storage.queue(QUEUES.syncJobs), message, { delaySeconds });
  }
}
