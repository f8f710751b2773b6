// The sync-job queue port: asks for one sync of a source, now or after a delay. The Storage Queue
// adapter is shared/adapters/azure-queues/sync-job-queue.ts.
import type { SyncJobMessage } from '../queue/messages.js';
import type { SourceKey } from '../domain/source.js';

export interface SyncJobQueue {
  enqueue(key: SourceKey, reason: SyncJobMessage['reason'], delaySeconds?: number): Promise<void>;
  /**
   * The watchdog of a sync run: a 'resume' job visible after `delaySeconds`; the returned function
   * takes it away when the run ends, so only a killed run leaves it behind.
   */
  armWatchdog(key: SourceKey, delaySeconds: number): Promise<() => Promise<void>>;
  /** Puts a request back after `delaySeconds`, keeping what it asked for and when. */
  requeue(
    key: SourceKey,
    request: Pick<SyncJobMessage, 'reason' | 'requestedAt' | 'requeues'>,
    delaySeconds: number,
  ): Promise<void>;
}
