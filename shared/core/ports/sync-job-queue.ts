// The sync-job queue port: asks for one sync of a source, now or after a delay. The Storage Queue
// adapter is shared/adapters/azure-queues/sync-job-queue.ts.
import type { SyncJobMessage } from '../queue/messages.js';
import type { SourceKey } from '../domain/source.js';

export interface SyncJobQueue {
  enqueue(key: SourceKey, reason: SyncJobMessage['reason'], delaySeconds?: number): Promise<void>;
}
