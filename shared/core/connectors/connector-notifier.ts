// The feed's side of connectors: after an append, each active connector of the KB gets one run
// scheduled unless it already has one due (CONNECTOR debounce), so a burst of appends (a crawl
// writes a page of events per flush) ends in one run. The schedule is a delayed message on the
// connector-work queue, so it survives restarts; the row changes only with compare-and-swap. A run
// clears the schedule before it reads the feed (connector-run.ts), so an append either finds a run
// that will see it, or schedules one. Like push, this is a hint: the maintenance timer schedules a
// run of every active connector as well (scheduleAllConnectors).
import type { ConnectorQueue, ConnectorRepository } from '../ports/connector-ports.js';

export interface ConnectorNotifierDeps {
  connectors: Pick<ConnectorRepository, 'get' | 'write'>;
  queue: ConnectorQueue;
  debounceMs: number;
  /** The connector types this app wires (one row per type at most). */
  types: readonly string[];
  now?: () => number;
}

/** A schedule this long past its due time lost its message (a poisoned run): schedule again. */
export const STALE_RUN_GRACE_MS = 10 * 60_000;
const MAX_ATTEMPTS = 20;

export type ConnectorScheduleOutcome = 'no-connector' | 'stopped' | 'absorbed' | 'scheduled';

export async function scheduleConnectorRun(
  deps: Omit<ConnectorNotifierDeps, 'types'>,
  kbId: string,
  type: string,
  delayMs: number,
): Promise<ConnectorScheduleOutcome> {
  const now = deps.now ?? Date.now;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await deps.connectors.get(kbId, type);
    if (!stored) return 'no-connector';
    const { record, etag } = stored;
    if (record.state !== 'active') return 'stopped';
    const nowMs = now();
    if (record.scheduledDueMs !== undefined && nowMs < record.scheduledDueMs + STALE_RUN_GRACE_MS) return 'absorbed';
    // The message first: if the write then loses, the extra run finds nothing to do.
    await deps.queue.schedule({ kind: 'connector-run', kbId, type }, delayMs);
    if (await deps.connectors.write({ ...record, scheduledDueMs: nowMs + delayMs }, etag)) return 'scheduled';
  }
  throw new Error('the connector row kept changing; the feed append stands, this run is skipped');
}

export async function onFeedAdvancedForConnectors(deps: ConnectorNotifierDeps, kbId: string): Promise<void> {
  for (const type of deps.types) await scheduleConnectorRun(deps, kbId, type, deps.debounceMs);
}

/** The maintenance timer's safety net: a run for every active connector that has none due. */
export async function scheduleAllConnectors(
  deps: Omit<ConnectorNotifierDeps, 'types'> & { connectors: Pick<ConnectorRepository, 'get' | 'write' | 'listAll'> },
): Promise<number> {
  let scheduled = 0;
  for (const record of await deps.connectors.listAll()) {
    if (record.state !== 'active') continue;
    if ((await scheduleConnectorRun(deps, record.kbId, record.type, 0)) === 'scheduled') scheduled++;
  }
  return scheduled;
}
