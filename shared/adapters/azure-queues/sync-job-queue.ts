// Enqueues sync jobs for a source on the sync-jobs Storage queue.
import type { SourceKey } from '../../core/domain/source.js';
import type { SyncJobQueue } from '../../core/ports/sync-job-queue.js';
import { QUEUES } from '../storage/names.js';
import type { StorageClients } from '../storage/storage-clients.js';
import type { SyncJobMessage } from '../../core/queue/messages.js';
import { isRestError } from '../azure/rest-error.js';
import { encodeMessage, sendJson } from './queue-writer.js';

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

  /**
   * The watchdog of a sync run (SyncDependencies.watchdog): a 'resume' job visible after
   * `delaySeconds`, deleted again when the run ends. Only a killed run leaves it behind.
   */
  async armWatchdog(key: SourceKey, delaySeconds: number): Promise<() => Promise<void>> {
    const message: SyncJobMessage = {
      kbId: key.kbId,
      sourceId: key.sourceId,
      reason: 'resume',
      requestedAt: new Date().toISOString(),
    };
    const queue = this.storage.queue(QUEUES.syncJobs);
    const sent = await queue.sendMessage(encodeMessage(message), { visibilityTimeout: delaySeconds });
    return async () => {
      try {
        await queue.deleteMessage(sent.messageId, sent.popReceipt);
      } catch (error) {
        // It became visible (a run longer than its lease) and a worker has it: that job finds the
        // round complete and ends.
        if (!isRestError(error, 404)) throw error;
      }
    };
  }

  /** Puts a request back, keeping what it asked for and when (see shared/core/sync/run-sync-job.ts). */
  async requeue(
    key: SourceKey,
    request: Pick<SyncJobMessage, 'reason' | 'requestedAt' | 'requeues'>,
    delaySeconds: number,
  ): Promise<void> {
    const message: SyncJobMessage = { kbId: key.kbId, sourceId: key.sourceId, ...request };
    await sendJson(this.storage.queue(QUEUES.syncJobs), message, { delaySeconds });
  }
}
