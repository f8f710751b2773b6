// POST /api/kbs/{kbId}/sources/{sourceId}/sync: queues a sync now. The job itself decides whether the
// source can sync (a source waiting for credentials is skipped there), so this only checks existence.
import type { SourceKey } from '../domain/source.js';
import type { SourceRepository } from '../ports/source-repository.js';
import type { SyncJobQueue } from '../ports/sync-job-queue.js';

export interface RequestSyncDependencies {
  sources: Pick<SourceRepository, 'get'>;
  syncJobs: SyncJobQueue;
}

export async function requestSync(deps: RequestSyncDependencies, key: SourceKey): Promise<'queued' | 'not_found'> {
  if (!(await deps.sources.get(key))) return 'not_found';
  await deps.syncJobs.enqueue(key, 'sync-now');
  return 'queued';
}
