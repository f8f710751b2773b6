// The sync-jobs queue message → one sync of one source (functions/sync-job.ts is its trigger).
// A message that cannot be parsed goes straight to the poison queue: retrying it would fail the same
// way maxDequeueCount times (design.md invariant 7). Errors the syncer throws (transient ones) are
// rethrown so the queue retries and, in the end, poisons the message.
import type { Logger } from '../ports/logger.js';
import type { PoisonQueue } from '../ports/poison-queue.js';
import type { SyncJobQueue } from '../ports/sync-job-queue.js';
import { syncJobMessageSchema } from '../queue/messages.js';
import { describeIssues, issuesLine } from '../validation/describe-issues.js';
import type { SourceSyncer, SyncOutcome } from './sync-source.js';

export interface RunSyncJobDependencies {
  syncer: Pick<SourceSyncer, 'run'>;
  syncJobs: SyncJobQueue;
  poisonQueue: PoisonQueue;
  /** The sync lease length: a busy source is retried after about half of it. */
  leaseSeconds: number;
  log: Logger;
}

export type SyncJobResult = { kind: 'poisoned' } | { kind: 'ran'; outcome: SyncOutcome; followUpQueued: boolean };

export async function runSyncJob(deps: RunSyncJobDependencies, raw: unknown): Promise<SyncJobResult> {
  const parsed = syncJobMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = issuesLine(describeIssues(parsed.error));
    await deps.poisonQueue.send(raw, `not a sync job: ${issues}`);
    deps.log.warn('sync_job.rejected', { issues });
    return { kind: 'poisoned' };
  }
  const job = parsed.data;
  const key = { kbId: job.kbId, sourceId: job.sourceId };
  const outcome = await deps.syncer.run(key);
  let followUpQueued = false;
  // Another instance is syncing: this request may carry news it has not seen, so look once more after
  // that sync has likely ended. A follow-up never queues another follow-up (no endless ping-pong).
  if (outcome.status === 'busy' && job.reason !== 'follow-up') {
    await deps.syncJobs.enqueue(key, 'follow-up', Math.max(1, Math.ceil(deps.leaseSeconds / 2)));
    followUpQueued = true;
  }
  deps.log.info('sync_job.done', {
    ...key,
    reason: job.reason,
    outcome: outcome.status,
    followUpQueued,
    ...details(outcome),
  });
  return { kind: 'ran', outcome, followUpQueued };
}

function details(outcome: SyncOutcome): Record<string, unknown> {
  switch (outcome.status) {
    case 'synced':
      return { pages: outcome.pages, events: outcome.events, held: outcome.held };
    case 'skipped':
    case 'needs_reauth':
    case 'error':
      return { outcomeReason: outcome.reason };
    default:
      return {};
  }
}
