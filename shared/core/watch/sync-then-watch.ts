// The sync-jobs queue's use case: run one sync job, then, for a webhook source whose sync succeeded
// and that has no live watch yet (the first one follows the initial crawl), create one
// (subscribe-after-sync.ts; docs/notifications.md).
import type { Logger } from '../ports/logger.js';
import { runSyncJob, type RunSyncJobDependencies, type SyncJobResult } from '../sync/run-sync-job.js';
import { subscribeAfterSync } from './subscribe-after-sync.js';
import type { WatchManager } from './watch-manager.js';

export interface SyncThenWatchDependencies extends RunSyncJobDependencies {
  watches: Pick<WatchManager, 'ensure'>;
  log: Logger;
}

export async function syncThenWatch(deps: SyncThenWatchDependencies, message: unknown): Promise<SyncJobResult> {
  const result = await runSyncJob(deps, message);
  await subscribeAfterSync(deps.watches, message, result, deps.log);
  return result;
}
