// The connector worker (docs/open-webui.md): one run of a KB's connector, triggered by a
// connector-run message (scheduled when the feed advances, connector-notifier.ts, and by the
// maintenance timer as a safety net). It holds the connector's lease, reads the feed from the
// connector's own cursor a page at a time, folds the page (fold-page.ts), applies each item
// (apply-change.ts; a few at once, items being independent), and advances the cursor only after every
// item of the page was accepted or recorded as failed. So a crash anywhere re-reads the page, and the
// item map's recent eventIds make the second pass drop what the first applied.
//
// A SinkError that stops the connector (401: the key is refused; the collection is gone) marks it
// stopped with the reason, visible in GET; a PUT starts it again. Anything else unexpected (the
// product down, a timeout, storage) ends the run with lastError and schedules a retry with backoff.
import type { ChangeEvent } from '../domain/change-event.js';
import type { ChangeFeed } from '../ports/change-feed.js';
import type {
  ConnectorItemRepository,
  ConnectorQueue,
  ConnectorRepository,
  ConnectorRunMessage,
  ConnectorSecretStore,
  SinkFactory,
} from '../ports/connector-ports.js';
import { connectorRunMessageSchema, SinkError } from '../ports/connector-ports.js';
import type { LeaseStore } from '../ports/lease-store.js';
import type { Logger } from '../ports/logger.js';
import type { PoisonQueue } from '../ports/poison-queue.js';
import { CursorNotInFeedError } from '../feed/feed-cursor.js';
import { parseOrPoison } from '../queue/parse-queue-message.js';
import { backoffDelayMs } from '../tokens/backoff.js';
import { applyChange, type ApplyOutcome, type ConnectorFaultHook, type ContentReader } from './apply-change.js';
import type { ConnectorCounts, ConnectorRecord } from './connector-record.js';
import { foldPage } from './fold-page.js';

export interface ConnectorRunSettings {
  pageSize: number;
  /** Items of one page applied at once. */
  concurrency: number;
  leaseMs: number;
  /** A run stops after this long and schedules its own continuation (a queue message must not run for ever). */
  maxRunMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Delay of the re-try when another run holds the lease. */
  busyRetryMs: number;
}

export interface ConnectorRunDeps {
  connectors: ConnectorRepository;
  items: ConnectorItemRepository;
  secrets: Pick<ConnectorSecretStore, 'read'>;
  feed: Pick<ChangeFeed, 'read'>;
  leases: Pick<LeaseStore, 'tryAcquire'>;
  queue: ConnectorQueue;
  sinkFor: SinkFactory;
  readContent: (kbId: string) => ContentReader;
  poisonQueue: PoisonQueue;
  settings: ConnectorRunSettings;
  log: Logger;
  now?: () => number;
  random?: () => number;
  faults?: ConnectorFaultHook;
}

export type ConnectorRunOutcome =
  | 'poisoned'
  | 'gone'
  | 'stopped'
  | 'busy'
  | 'caught-up'
  | 'continues'
  | 'stopped-now'
  | 'retry-scheduled'
  | 'superseded';

const MAX_CAS_ATTEMPTS = 20;

export function connectorLeaseKey(kbId: string, type: string): string {
  return `${kbId}\u0000${type}`;
}

export async function handleConnectorRun(deps: ConnectorRunDeps, raw: unknown): Promise<ConnectorRunOutcome> {
  const parsed = await parseOrPoison(connectorRunMessageSchema, raw, { ...deps, what: 'connector-run' });
  if (!parsed.ok) return 'poisoned';
  return runConnector(deps, parsed.value);
}

export async function runConnector(deps: ConnectorRunDeps, message: ConnectorRunMessage): Promise<ConnectorRunOutcome> {
  const now = deps.now ?? Date.now;
  const { kbId, type } = message;
  const first = await deps.connectors.get(kbId, type);
  if (!first) return 'gone';
  if (first.record.state !== 'active') return 'stopped';
  // Clear the schedule first, so an append from now on schedules another run (one that sees it).
  const cleared = await update(deps, kbId, type, first.record.registrationId, (r) => ({
    ...r,
    scheduledDueMs: undefined,
  }));
  if (!cleared) return 'superseded';

  const lease = await deps.leases.tryAcquire(connectorLeaseKey(kbId, type), deps.settings.leaseMs);
  if (!lease) {
    await deps.queue.schedule(message, deps.settings.busyRetryMs);
    return 'busy';
  }
  const started = now();
  const registrationId = cleared.registrationId;
  try {
    const secret = await deps.secrets.read(kbId);
    if (!secret)
      return await stop(deps, cleared, 'the API key is missing from the secret store; PUT the connector again');
    const sink = deps.sinkFor(cleared, secret);
    const readContent = deps.readContent(kbId);
    let cursor = cleared.cursor;
    for (;;) {
      let page;
      try {
        page = await deps.feed.read(kbId, cursor, deps.settings.pageSize);
      } catch (error) {
        if (!(error instanceof CursorNotInFeedError)) throw error;
        // The feed was reset (docs/api.md, 409): read it again from the start; the item map drops
        // what was applied and the content hashes spare the uploads of unchanged bytes.
        deps.log.warn('connector.feed_reset', { kbId, type, reason: error.reason });
        cursor = '';
        continue;
      }
      if (page.events.length === 0) {
        await finish(deps, kbId, type, registrationId, page.nextCursor || cursor, undefined);
        return 'caught-up';
      }
      const counts = await applyPage(deps, kbId, type, sink, readContent, page.events);
      cursor = page.nextCursor;
      const written = await finish(deps, kbId, type, registrationId, cursor, counts);
      if (!written) return 'superseded';
      if (!page.hasMore) return 'caught-up';
      if (!(await lease.renew())) return 'superseded';
      if (now() - started > deps.settings.maxRunMs) {
        await deps.queue.schedule(message, 0);
        return 'continues';
      }
    }
  } catch (error) {
    if (error instanceof SinkError && error.stopsConnector) {
      const current = await deps.connectors.get(kbId, type);
      if (!current || current.record.registrationId !== registrationId) return 'superseded';
      return await stop(deps, current.record, `${error.message}; PUT the connector again once fixed`);
    }
    return await retryLater(deps, message, registrationId, error);
  } finally {
    await lease.release();
  }
}

async function applyPage(
  deps: ConnectorRunDeps,
  kbId: string,
  type: string,
  sink: ReturnType<SinkFactory>,
  readContent: ContentReader,
  events: readonly ChangeEvent[],
): Promise<ConnectorCounts> {
  const changes = foldPage(events);
  const outcomes: ApplyOutcome[] = [];
  const applyDeps = {
    items: deps.items,
    sink,
    readContent,
    kbId,
    type,
    now: () => new Date((deps.now ?? Date.now)()),
    faults: deps.faults,
  };
  let next = 0;
  let firstError: Error | undefined;
  const worker = async () => {
    while (next < changes.length && firstError === undefined) {
      const change = changes[next++]!;
      try {
        outcomes.push(await applyChange(applyDeps, change));
      } catch (error) {
        firstError ??= error instanceof Error ? error : new Error(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.settings.concurrency) }, worker));
  if (firstError !== undefined) throw firstError;
  const count = (...kinds: ApplyOutcome[]) => outcomes.filter((o) => kinds.includes(o)).length;
  return {
    events: events.length,
    uploads: count('uploaded', 'replaced'),
    removes: count('replaced', 'deleted'),
    renames: count('renamed'),
    repeats: count('repeat') + (events.length - changes.length),
    failures: count('failed'),
  };
}

/** Re-reads and writes the row with compare-and-swap; undefined when the registration changed or the row went away. */
async function update(
  deps: Pick<ConnectorRunDeps, 'connectors'>,
  kbId: string,
  type: string,
  registrationId: string,
  change: (record: ConnectorRecord) => ConnectorRecord,
): Promise<ConnectorRecord | undefined> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const stored = await deps.connectors.get(kbId, type);
    if (!stored || stored.record.registrationId !== registrationId) return undefined;
    const next = change(stored.record);
    if (await deps.connectors.write(next, stored.etag)) return next;
  }
  throw new Error('the connector row kept changing; the queue will retry');
}

function addCounts(a: ConnectorCounts, b: ConnectorCounts): ConnectorCounts {
  return {
    events: a.events + b.events,
    uploads: a.uploads + b.uploads,
    removes: a.removes + b.removes,
    renames: a.renames + b.renames,
    repeats: a.repeats + b.repeats,
    failures: a.failures + b.failures,
  };
}

async function finish(
  deps: ConnectorRunDeps,
  kbId: string,
  type: string,
  registrationId: string,
  cursor: string,
  counts: ConnectorCounts | undefined,
): Promise<boolean> {
  const at = new Date((deps.now ?? Date.now)()).toISOString();
  const written = await update(deps, kbId, type, registrationId, (r) => ({
    ...r,
    cursor,
    counts: counts ? addCounts(r.counts, counts) : r.counts,
    lastRunAt: at,
    ...(counts ? { lastAppliedAt: at } : {}),
    lastError: undefined,
    consecutiveErrors: 0,
  }));
  if (written && counts) deps.log.info('connector.page_applied', { kbId, type, ...counts });
  return written !== undefined;
}

async function stop(deps: ConnectorRunDeps, record: ConnectorRecord, reason: string): Promise<ConnectorRunOutcome> {
  const at = new Date((deps.now ?? Date.now)()).toISOString();
  const written = await update(deps, record.kbId, record.type, record.registrationId, (r) => ({
    ...r,
    state: 'stopped',
    stoppedReason: reason,
    lastRunAt: at,
    scheduledDueMs: undefined,
  }));
  if (!written) return 'superseded';
  deps.log.warn('connector.stopped', { kbId: record.kbId, type: record.type, reason });
  return 'stopped-now';
}

async function retryLater(
  deps: ConnectorRunDeps,
  message: ConnectorRunMessage,
  registrationId: string,
  error: unknown,
): Promise<ConnectorRunOutcome> {
  const now = deps.now ?? Date.now;
  const detail = error instanceof Error ? error.message : String(error);
  const stored = await deps.connectors.get(message.kbId, message.type);
  if (!stored || stored.record.registrationId !== registrationId) return 'superseded';
  const failures = stored.record.consecutiveErrors + 1;
  const policy = {
    attempts: Number.POSITIVE_INFINITY,
    baseDelayMs: deps.settings.retryBaseMs,
    maxDelayMs: deps.settings.retryMaxMs,
  };
  const delayMs = backoffDelayMs(failures, policy, deps.random ?? Math.random) ?? deps.settings.retryMaxMs;
  // The message first: if the write then loses, another run is scheduled anyway and finds nothing to do.
  await deps.queue.schedule(message, delayMs);
  await update(deps, message.kbId, message.type, registrationId, (r) => ({
    ...r,
    lastError: detail,
    consecutiveErrors: failures,
    lastRunAt: new Date(now()).toISOString(),
    scheduledDueMs: now() + delayMs,
  }));
  deps.log.warn('connector.retry_scheduled', {
    kbId: message.kbId,
    type: message.type,
    failures,
    delayMs,
    error: detail,
  });
  return 'retry-scheduled';
}
