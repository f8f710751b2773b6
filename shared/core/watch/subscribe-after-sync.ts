// The seam between the sync job and watches: after a successful sync of a webhook source that has no
// live watch (the first one follows the initial crawl), create one. A failure here must not fail the
// sync job (which would re-run the sync): it is logged, and the next maintenance run creates the
// watch instead.
import type { Logger } from '../ports/logger.js';
import { syncJobMessageSchema } from '../queue/messages.js';
import type { SyncJobResult } from '../sync/run-sync-job.js';
import type { WatchManager } from './watch-manager.js';

export async function subscribeAfterSync(
  watches: Pick<WatchManager, 'ensure'>,
  message: unknown,
  result: SyncJobResult,
  log: Logger,
): Promise<void> {
  if (result.kind !== 'ran' || result.outcome.status !== 'synced') return;
  const job = syncJobMessageSchema.safeParse(message);
  if (!job.success) return;
  const key = { kbId: job.data.kbId, sourceId: job.data.sourceId };
  try {
    await watches.ensure(key);
  } catch (error) {
    log.warn('subscription.after_sync_failed', {
      ...key,
      error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown',
    });
  }
}
