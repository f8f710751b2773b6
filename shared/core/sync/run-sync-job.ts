// The sync-jobs queue message → one sync of one source (functions/sync-job.ts is its trigger).
// A message that cannot be parsed goes straight to the poison queue: retrying it would fail the same
// way maxDequeueCount times (docs/invariants.md, invariant 7). Errors the syncer throws (transient ones) are
// rethrown so the queue retries and, in the end, poisons the message.
//
// A sync request is never dropped (docs/sync-engine.md, "Requests that meet a running sync"). A job
// that finds the source's lease held re-queues itself, visible just after the lease's expiry: if the
// holder finishes, the job runs the sync that covers what was asked after that holder began; if the
// holder died (kill -9, no release), its lease lapses and the job takes over and resumes the crawl
// from the stored nextLink. A job that completed a round an earlier run began (a resumed crawl) asks
// once more, since that round may predate the request. It ends, without a sync, once a round that
// began after the request has completed, so requests that piled up behind one long sync cost one
// sync after it, not one each, and nothing loops once the source is in sync.
//
// A run killed while no other job comes would otherwise wait for its own message to come back (the
// host's visibility timeout, minutes). So each run leaves a delayed 'resume' job (the watchdog,
// armed by the syncer) that it takes away when it ends; left behind, it arrives just after the
// lease lapses and resumes the crawl, and it ends at once when there is no interrupted crawl.
import type { SourceKey } from '../domain/source.js';
import type { Logger } from '../ports/logger.js';
import type { PoisonQueue } from '../ports/poison-queue.js';
import type { SyncJobQueue } from '../ports/sync-job-queue.js';
import type { SyncRun, SyncRunLog } from '../ports/sync-run-log.js';
import { MAX_REQUEUES, syncJobMessageSchema, type SyncJobMessage } from '../queue/messages.js';
import { describeIssues, issuesLine } from '../validation/describe-issues.js';
import { redactText } from '../logging/redact.js';
import { countingProviderRequests, RunFailed } from './provider-request-count.js';
import type { SourceSyncer, SyncOutcome } from './sync-source.js';

export interface RunSyncJobDependencies {
  syncer: Pick<SourceSyncer, 'run' | 'covers' | 'hasInterruptedRound'>;
  syncJobs: SyncJobQueue;
  poisonQueue: PoisonQueue;
  /** The sync lease length: a job never waits longer than this (plus a second) for a busy source. */
  leaseSeconds: number;
  log: Logger;
  /** The sync history (optional: engine tests run without it). */
  runs?: Pick<SyncRunLog, 'append'>;
  now?: () => Date;
}

export type SyncJobResult =
  | { kind: 'poisoned' }
  /** A re-queued request that a round begun after it has already served, or a watchdog with nothing to resume. */
  | { kind: 'covered' }
  | { kind: 'ran'; outcome: SyncOutcome; followUpQueued: boolean };

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
  const covered =
    job.reason === 'resume'
      ? !(await deps.syncer.hasInterruptedRound(key))
      : job.requeues !== undefined && job.requestedAt !== undefined && (await deps.syncer.covers(key, job.requestedAt));
  if (covered) {
    deps.log.info('sync_job.covered', { ...key, reason: job.reason, requeues: job.requeues });
    return { kind: 'covered' };
  }
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  let counted;
  try {
    counted = await countingProviderRequests(() => deps.syncer.run(key));
  } catch (error) {
    const failed = error instanceof RunFailed ? error : new RunFailed(error);
    await recordRun(deps, key, {
      ...runTimes(startedAt, now()),
      reason: job.reason,
      outcome: 'failed',
      pages: null,
      events: null,
      held: null,
      providerRequests: failed.requests,
      followUpQueued: false,
      error: redactText(failed.message),
    });
    // The queue retries it (and in the end poisons it): the engine's error, as thrown.
    throw failed.original;
  }
  const outcome = counted.result;
  const delaySeconds = requeueDelaySeconds(outcome, deps.leaseSeconds);
  const followUpQueued = delaySeconds !== undefined && (await requeue(deps, key, job, delaySeconds));
  if (outcome.status !== 'busy') {
    await recordRun(deps, key, {
      ...runTimes(startedAt, now()),
      reason: job.reason,
      outcome: outcome.status,
      pages: outcome.status === 'synced' ? outcome.pages : null,
      events: outcome.status === 'synced' ? outcome.events : null,
      held: outcome.status === 'synced' ? outcome.held : null,
      providerRequests: counted.requests,
      followUpQueued,
      error: 'reason' in outcome ? redactText(outcome.reason) : null,
    });
  }
  deps.log.info('sync_job.done', {
    ...key,
    reason: job.reason,
    outcome: outcome.status,
    followUpQueued,
    ...(followUpQueued ? { delaySeconds, requeues: (job.requeues ?? 0) + 1 } : {}),
    ...details(outcome),
  });
  return { kind: 'ran', outcome, followUpQueued };
}

/** When to look again for this request, or undefined when it has been served (or cannot be). */
function requeueDelaySeconds(outcome: SyncOutcome, leaseSeconds: number): number | undefined {
  switch (outcome.status) {
    case 'busy':
      // Just after the holder's lease lapses (a second for the clock and the queue); never longer
      // than one lease, whatever expiry a skewed clock wrote.
      return Math.min(leaseSeconds + 1, Math.max(1, Math.ceil(outcome.heldForMs / 1000) + 1));
    case 'lease_lost':
      // Another run holds the lease now; the next attempt learns for how long.
      return 1;
    case 'synced':
      return outcome.resumedRound ? 0 : undefined;
    default:
      return undefined;
  }
}

async function requeue(
  deps: RunSyncJobDependencies,
  key: SourceKey,
  job: SyncJobMessage,
  delaySeconds: number,
): Promise<boolean> {
  const requeues = (job.requeues ?? 0) + 1;
  if (requeues > MAX_REQUEUES) {
    // A safety net only (a lease held for hours): the maintenance poll still syncs the source.
    deps.log.error('sync_job.gave_up', { ...key, reason: job.reason, requeues: job.requeues });
    return false;
  }
  await deps.syncJobs.requeue(
    key,
    { reason: job.reason, requestedAt: job.requestedAt ?? new Date().toISOString(), requeues },
    delaySeconds,
  );
  return true;
}

function details(outcome: SyncOutcome): Record<string, unknown> {
  switch (outcome.status) {
    case 'synced':
      return { pages: outcome.pages, events: outcome.events, held: outcome.held, resumedRound: outcome.resumedRound };
    case 'busy':
      return { heldForMs: outcome.heldForMs };
    case 'skipped':
    case 'needs_reauth':
    case 'error':
      return { outcomeReason: outcome.reason };
    default:
      return {};
  }
}

function runTimes(startedAt: Date, endedAt: Date): Pick<SyncRun, 'startedAt' | 'endedAt' | 'durationMs'> {
  return {
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationMs: Math.max(0, endedAt.getTime() - startedAt.getTime()),
  };
}

/** The history is for people: a failure to write it is logged, never the run's failure. */
async function recordRun(deps: RunSyncJobDependencies, key: SourceKey, run: SyncRun): Promise<void> {
  if (!deps.runs) return;
  try {
    await deps.runs.append(key, run);
  } catch (error) {
    deps.log.warn('sync_job.history_not_written', {
      ...key,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
