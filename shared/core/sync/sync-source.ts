// The sync job for one source: lease → pages of changes → events, item state, cursor → end of run.
//
// Write order per page (invariant 1, "no change is lost"): events are appended first, then item
// state, then the cursor. The events of a page are computed by comparing it with the stored state,
// so if item state were written first, a crash before the events were appended would make the
// replayed page look unchanged and its events would be lost. In this order a crash can only
// replay a page whose events were already appended, and the replay writes the same events with
// the same eventIds (invariant 2), which the host drops by id.
import { randomUUID } from 'node:crypto';
import {
  cursorOf,
  DEFAULT_CURSOR,
  hasOpenCursor,
  type CursorState,
  type SourceKey,
  type SourceRecord,
} from '../domain/source.js';
import type { ItemState } from '../domain/item-state.js';
import { redactText } from '../logging/redact.js';
import type { ChangeFeed } from '../ports/change-feed.js';
import type { ItemRepository } from '../ports/item-repository.js';
import type { LeaseStore } from '../ports/lease-store.js';
import type { Logger } from '../ports/logger.js';
import type { SourceRepository } from '../ports/source-repository.js';
import { ChangeApplier } from './change-applier.js';
import { CursorExpiredError, PermanentSourceError, ReauthRequiredError } from '../domain/errors.js';
import { deleteEvent } from './event-builder.js';
import { shouldHoldDeletes } from './mass-delete-guard.js';
import { WriteGroup } from './write-group.js';
import type { ProviderRegistry, SyncProvider } from '../ports/provider-ports.js';

export type SyncStep = 'fetch' | 'events' | 'items' | 'cursor' | 'release';

/** Test hook: throw from here to simulate a crash at a given step of a given page. */
export type SyncFaultHook = (step: SyncStep, pageIndex: number) => void;

export interface SyncDependencies {
  sources: SourceRepository;
  items: ItemRepository;
  feed: ChangeFeed;
  /** Sync leases (keys from `syncLeaseKey`). */
  leases: Pick<LeaseStore, 'acquire'>;
  providers: ProviderRegistry;
  log: Logger;
  leaseMs: number;
  massDeleteRatio: number;
  massDeleteMinItems: number;
  /** Rows + events gathered before a write (and a cursor move); 1 writes every page. Default 5,000. */
  flushSize?: number;
  faults?: SyncFaultHook;
  now?: () => Date;
  /**
   * Leaves a delayed 'resume' job behind while the lease is held, taken away when the run ends: if
   * the process is killed, it arrives just after the lease lapses and resumes the crawl.
   */
  watchdog?: RunWatchdog;
}

export interface RunWatchdog {
  /** Arms the watchdog for a run of `key`; the function returned disarms it. */
  arm(key: SourceKey, delaySeconds: number): Promise<() => Promise<void>>;
}

export type SyncOutcome =
  | {
      status: 'synced';
      pages: number;
      events: number;
      held: number;
      /** The start of the round this run completed: every change made before it is in the feed. */
      syncedAsOf: string;
      /** The round was begun by an earlier run (a crawl resumed after a crash), not by this one. */
      resumedRound: boolean;
    }
  | { status: 'busy'; heldForMs: number }
  | { status: 'not_found' }
  | { status: 'skipped'; reason: string }
  | { status: 'needs_reauth'; reason: string }
  | { status: 'error'; reason: string }
  | { status: 'lease_lost' };

/** See `SourceSyncer.covers`. */
const CLOCK_MARGIN_MS = 2_000;

export function syncLeaseKey(key: SourceKey): string {
  return `sync|${key.kbId}|${key.sourceId}`;
}

export class SourceSyncer {
  private readonly now: () => Date;

  constructor(private readonly deps: SyncDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  async run(key: SourceKey): Promise<SyncOutcome> {
    const attempt = await this.deps.leases.acquire(syncLeaseKey(key), this.deps.leaseMs);
    if (!attempt.lease) return { status: 'busy', heldForMs: attempt.heldForMs };
    const lease = attempt.lease;
    let disarm: (() => Promise<void>) | undefined;
    try {
      disarm = await this.deps.watchdog?.arm(key, Math.ceil(this.deps.leaseMs / 1000) + 1);
    } catch (error) {
      await lease.release().catch(() => undefined);
      throw error;
    }
    // Taken under the lease, before anything is read: a round begun now sees every earlier change.
    const startedAt = this.now().toISOString();
    let leaseLost = false;
    const renewal = setInterval(
      () => {
        lease
          .renew()
          .then((ok) => (leaseLost ||= !ok))
          .catch(() => undefined);
      },
      Math.max(1_000, Math.floor(this.deps.leaseMs / 3)),
    );
    try {
      return await this.runLeased(key, startedAt, () => leaseLost);
    } finally {
      clearInterval(renewal);
      await disarm?.().catch(() => undefined);
      await lease.release().catch(() => undefined);
    }
  }

  /** Whether an enumeration round was cut off before its deltaLink (what a 'resume' job is for). */
  async hasInterruptedRound(key: SourceKey): Promise<boolean> {
    const stored = await this.deps.sources.get(key);
    return stored !== undefined && hasOpenCursor(stored.record);
  }

  /**
   * Whether a round that began at least CLOCK_MARGIN_MS after `requestedAt` has reached its deltaLink,
   * so a sync asked for then has nothing left to do. The margin absorbs clock skew between the
   * instance that asked and the one that synced (the lease already needs clocks to agree that well).
   */
  async covers(key: SourceKey, requestedAt: string): Promise<boolean> {
    const syncedAsOf = (await this.deps.sources.get(key))?.record.syncedAsOf;
    return syncedAsOf !== undefined && Date.parse(syncedAsOf) - Date.parse(requestedAt) >= CLOCK_MARGIN_MS;
  }

  private async runLeased(key: SourceKey, startedAt: string, isLeaseLost: () => boolean): Promise<SyncOutcome> {
    const stored = await this.deps.sources.get(key);
    if (!stored) return { status: 'not_found' };
    const source = stored.record;
    if (source.state === 'needs_reauth' || source.state === 'pending_auth') {
      return { status: 'skipped', reason: `source is ${source.state}` };
    }
    const log = this.deps.log.child({ kbId: key.kbId, sourceId: key.sourceId });
    const provider = this.deps.providers.get(source.type);
    try {
      return await this.enumerate(source, startedAt, provider, isLeaseLost, log);
    } catch (error) {
      return this.recordFailure(key, error, log);
    }
  }

  private async enumerate(
    initial: SourceRecord,
    startedAt: string,
    provider: SyncProvider,
    isLeaseLost: () => boolean,
    log: Logger,
  ): Promise<SyncOutcome> {
    const resumed = hasOpenCursor(initial);
    // An open cursor continues the round an earlier run began; anything else begins a round now. (A
    // crawl resumed from before rounds were recorded gets the registration time: earlier than its start.)
    let roundIsOurs = !resumed;
    let source: SourceRecord = {
      ...initial,
      roundStartedAt: resumed ? (initial.roundStartedAt ?? initial.createdAt) : startedAt,
    };
    // The cursors to enumerate, in order; a page may add (or retire) cursors as it goes (ChangePage).
    const cursorNames = [...provider.cursorNames(source)];
    const freshCrawl =
      !Object.values(source.cursors ?? {}).some((c) => c.value) && source.itemCount === 0 && !source.lastSyncAt;
    let group = new WriteGroup();
    const pendingRows = resumed || (source.pendingCount ?? 0) > 0 ? await this.deps.items.list(source, 'pending') : [];
    const appliers = new Map<string, ChangeApplier>();
    const pendingCount = () => [...appliers.values()].reduce((sum, applier) => sum + applier.pendingCount, 0);
    const staged = new Map<string, ItemState>();
    const flushSize = this.deps.flushSize ?? 5_000;
    let pages = 0;
    let flushes = 0;
    let eventCount = 0;
    // Writes a group: events, then item state, then the cursor (see the comment at the top).
    const flush = async (cursorName: string, cursor: CursorState | undefined) => {
      const events = group.events;
      this.deps.faults?.('events', flushes);
      await this.deps.feed.append(source.kbId, events);
      this.deps.faults?.('items', flushes);
      await this.deps.items.write(source, group.writes(), group.removals());
      for (const row of group.staged) staged.set(row.id, row);
      eventCount += events.length;
      source = { ...source, itemCount: source.itemCount + group.newlyIncluded };
      const stagedCount = group.staged.length;
      group = new WriteGroup();
      this.deps.faults?.('cursor', flushes++);
      if (cursor) {
        source = await this.saveCursor(source, {
          cursors: withCursor(source, cursorName, cursor, this.now()),
          itemCount: source.itemCount,
          pendingCount: pendingCount(),
          heldDeleteCount: (source.heldDeleteCount ?? 0) + stagedCount,
        });
      }
    };
    for (let index = 0; index < cursorNames.length; index++) {
      const cursorName = cursorNames[index]!;
      const state = cursorOf(source, cursorName);
      // Finished earlier in this (resumed) round: its changes up to the round's start are in the feed.
      if (resumed && state.kind === 'final' && state.finalInRound === source.roundStartedAt) continue;
      // Only the first cursor of a fresh crawl may skip reading what is stored: the cursors after it
      // meet parents (a mail folder) and items (a message that moved) that earlier cursors stored.
      let applier = this.newApplier(source, cursorName, provider, freshCrawl && index === 0, () => group);
      applier.rememberPending(pendingRows.filter((row) => (row.cursorName ?? DEFAULT_CURSOR) === cursorName));
      appliers.set(cursorName, applier);
      let cursor = state.value;
      for (;;) {
        if (isLeaseLost()) return { status: 'lease_lost' };
        this.deps.faults?.('fetch', pages);
        let page;
        try {
          page = await provider.fetchChanges(source, cursorName, cursor);
        } catch (error) {
          if (!(error instanceof CursorExpiredError)) throw error;
          // Expired: restart this cursor's enumeration; at the run's end, whatever it did not return
          // is deleted. What was gathered but not written is dropped: the fresh enumeration covers it.
          log.warn('sync.resync', { restart: error.restartCursor ? 'location' : 'no-token' });
          group = new WriteGroup();
          roundIsOurs = true;
          source = await this.saveCursor(source, {
            cursors: withCursor(
              source,
              cursorName,
              {
                value: error.restartCursor,
                kind: error.restartCursor ? 'next' : undefined,
                resyncRunId: randomUUID(),
              },
              this.now(),
            ),
            // One cursor: the whole round starts again now. Several: the others' round stays as it was.
            roundStartedAt: cursorNames.length === 1 ? this.now().toISOString() : source.roundStartedAt,
          });
          cursor = cursorOf(source, cursorName).value;
          applier = this.newApplier(source, cursorName, provider, false, () => group);
          appliers.set(cursorName, applier);
          continue;
        }
        group.add(await applier.applyPage(page.items));
        pages++;
        const resyncRunId = cursorOf(source, cursorName).resyncRunId;
        const retiredSelf = page.cursorsRemoved?.includes(cursorName) ?? false;
        source = { ...source, cursors: withCursorSet(source, cursorNames, index, page) };
        if (retiredSelf) {
          // Its items' fate is in the page (a folder's delete): write it, then go on without this cursor.
          await flush(cursorName, undefined);
          break;
        }
        if (page.nextCursor) {
          if (group.size >= flushSize) await flush(cursorName, { value: page.nextCursor, kind: 'next', resyncRunId });
          cursor = page.nextCursor;
          continue;
        }
        const last = index === cursorNames.length - 1;
        // The last cursor's final state is written with the end of the run (below), as one update.
        await flush(
          cursorName,
          last
            ? undefined
            : { value: page.finalCursor, kind: 'final', resyncRunId, finalInRound: source.roundStartedAt },
        );
        if (last) {
          source = {
            ...source,
            cursors: withCursor(
              source,
              cursorName,
              { value: page.finalCursor, kind: 'final', resyncRunId },
              this.now(),
            ),
          };
        }
        break;
      }
    }
    this.deps.faults?.('release', flushes - 1);
    const end = await this.finishRun(source, staged, resumed, log);
    eventCount += end.events;
    // A completed sync shows that an earlier permanent error (access denied, say) is over; left in
    // `error`, the source would get no polls, notifications or subscription (maintenance and the
    // notification path act on active sources only).
    const recovered: Partial<SourceRecord> =
      end.source.state === 'error' && !('state' in end.stateChange) ? { state: 'active', stateReason: undefined } : {};
    const pending = pendingCount();
    source = await this.saveCursor(end.source, {
      ...recovered,
      ...end.stateChange,
      cursors: Object.fromEntries(
        Object.entries(end.source.cursors ?? {}).map(([name, cursor]) => [
          name,
          withoutUndefined({ ...cursor, resyncRunId: undefined, finalInRound: undefined }),
        ]),
      ),
      itemCount: end.source.itemCount,
      pendingCount: pending,
      lastSyncAt: this.now().toISOString(),
      lastSyncResult: 'ok',
      lastError: undefined,
      syncedAsOf: source.roundStartedAt,
    });
    if (pending > 0) log.warn('sync.pending-left', { count: pending });
    log.info('sync.done', { pages, events: eventCount, held: end.held, resumedRound: !roundIsOurs });
    return {
      status: 'synced',
      pages,
      events: eventCount,
      held: end.held,
      syncedAsOf: source.roundStartedAt ?? startedAt,
      resumedRound: !roundIsOurs,
    };
  }

  private newApplier(
    source: SourceRecord,
    cursorName: string,
    provider: SyncProvider,
    freshCrawl: boolean,
    group: () => WriteGroup,
  ): ChangeApplier {
    const stored = {
      getMany: (ids: readonly string[]) => this.deps.items.getMany(source, ids),
      childrenOf: (parentIds: readonly string[]) => this.deps.items.childrenOf(source, parentIds),
    };
    return new ChangeApplier(
      source,
      {
        getMany: (ids) => group().getMany(stored, ids),
        descendantsOf: (folderId) => group().descendantsOf(stored, folderId),
        listRemoteSubtree: (folderId) => provider.listSubtree(source, folderId),
      },
      {
        freshCrawl,
        resyncRunId: cursorOf(source, cursorName).resyncRunId,
        roundId: source.roundStartedAt,
        cursorName,
        contentChanged: (before, after) => provider.contentChanged(before, after),
      },
    );
  }

  /**
   * End of an enumeration: reconcile a resync, then let the mass-delete guard hold or release the
   * staged deletes. Events are appended before rows are removed, so a crash replays, never loses.
   */
  private async finishRun(
    source: SourceRecord,
    stagedThisRun: Map<string, ItemState>,
    resumed: boolean,
    log: Logger,
  ): Promise<{ source: SourceRecord; stateChange: Partial<SourceRecord>; events: number; held: number }> {
    const resyncs = Object.entries(source.cursors ?? {}).filter(([, cursor]) => cursor.resyncRunId);
    if (resyncs.length > 0) {
      const runs = new Map(resyncs.map(([name, cursor]) => [name, cursor.resyncRunId]));
      // Only the items of a resynced cursor: another cursor's items were not enumerated again.
      const unseen = (await this.deps.items.list(source)).filter((row) => {
        const cursorName = row.cursorName ?? DEFAULT_CURSOR;
        return runs.has(cursorName) && row.seenRun !== runs.get(cursorName);
      });
      const staged: ItemState[] = [];
      const removals: string[] = [];
      for (const row of unseen) {
        if (row.included || row.deleteHeld) staged.push({ ...row, deleteHeld: true });
        else removals.push(row.id);
      }
      await this.deps.items.write(source, staged, removals);
      for (const row of staged) stagedThisRun.set(row.id, row);
      log.info('sync.resync-reconciled', { unseen: unseen.length });
    }
    const needScan = resumed || (source.heldDeleteCount ?? 0) > 0 || source.state === 'held';
    const candidates = needScan
      ? await this.deps.items.list(source, 'deleteHeld')
      : [...(await this.deps.items.getMany(source, [...stagedThisRun.keys()])).values()].filter(
          (row) => row.deleteHeld,
        );
    if (candidates.length === 0) {
      const released: Partial<SourceRecord> =
        source.state === 'held' ? { state: 'active', stateReason: undefined } : {};
      return { source: { ...source, ...released, heldDeleteCount: 0 }, stateChange: released, events: 0, held: 0 };
    }
    const hold =
      source.state === 'held' ||
      shouldHoldDeletes(candidates.length, source.itemCount, {
        ratio: this.deps.massDeleteRatio,
        minItems: this.deps.massDeleteMinItems,
      });
    if (hold) {
      log.warn('sync.deletes-held', { count: candidates.length, itemCount: source.itemCount });
      const stateChange: Partial<SourceRecord> = {
        state: 'held',
        stateReason: `${candidates.length} of ${source.itemCount} files would be deleted; confirm through the API to apply`,
      };
      return {
        source: { ...source, ...stateChange, heldDeleteCount: candidates.length },
        stateChange,
        events: 0,
        held: candidates.length,
      };
    }
    await this.releaseDeletes(source, candidates);
    return {
      source: { ...source, itemCount: Math.max(0, source.itemCount - candidates.length), heldDeleteCount: 0 },
      stateChange: {},
      events: candidates.length,
      held: 0,
    };
  }

  /** Emits the delete events for staged rows, then removes the rows. */
  async releaseDeletes(source: SourceKey, rows: readonly ItemState[]): Promise<void> {
    await this.deps.feed.append(
      source.kbId,
      rows.map((row) => deleteEvent(source, row)),
    );
    await this.deps.items.write(
      source,
      [],
      rows.map((row) => row.id),
    );
  }

  private async saveCursor(source: SourceRecord, change: Partial<SourceRecord>): Promise<SourceRecord> {
    const next: SourceRecord = { ...source, ...change };
    // The engine owns the cursor and counters; state changes made meanwhile by the API (a new
    // filter, a confirmation) must survive, so re-read and merge only what the engine owns.
    const saved = await this.deps.sources.update(source, (current) => ({
      ...current,
      cursors: next.cursors,
      roundStartedAt: next.roundStartedAt,
      syncedAsOf: next.syncedAsOf,
      itemCount: next.itemCount,
      pendingCount: next.pendingCount,
      heldDeleteCount: next.heldDeleteCount,
      state: 'state' in change ? next.state : current.state,
      stateReason: 'state' in change ? next.stateReason : current.stateReason,
      lastSyncAt: next.lastSyncAt,
      lastSyncResult: next.lastSyncResult,
      lastError: next.lastError,
    }));
    return saved ?? next;
  }

  private async recordFailure(key: SourceKey, error: unknown, log: Logger): Promise<SyncOutcome> {
    const stamp = { lastSyncAt: this.now().toISOString(), lastSyncResult: 'failed' as const };
    if (error instanceof ReauthRequiredError) {
      log.warn('sync.needs-reauth', { reason: error.reason });
      await this.deps.sources.update(key, (s) => ({
        ...s,
        ...stamp,
        state: 'needs_reauth',
        stateReason: error.reason,
        lastError: error.reason,
      }));
      return { status: 'needs_reauth', reason: error.reason };
    }
    if (error instanceof PermanentSourceError) {
      log.error('sync.permanent-error', { reason: error.reason, status: error.status });
      await this.deps.sources.update(key, (s) => ({
        ...s,
        ...stamp,
        state: 'error',
        stateReason: error.reason,
        lastError: error.reason,
      }));
      return { status: 'error', reason: error.reason };
    }
    // Stored on the record and shown by the status API (plain JSON, not a redacted problem body): an
    // unexpected error's message may quote a request, so it is redacted like a log line.
    const message = redactText(error instanceof Error ? error.message : String(error));
    log.warn('sync.transient-error', { error: message });
    await this.deps.sources.update(key, (s) => ({ ...s, ...stamp, lastError: message })).catch(() => undefined);
    // Rethrow: the queue retries later, and after maxDequeueCount the job lands in the poison queue.
    throw error;
  }
}

/**
 * Applies a page's cursor announcements: added cursors join the source (empty, so a crash after this
 * page's cursor is saved still finds them) and the run's list after the current one; retired ones
 * leave both. `names` is the run's list, changed in place; `index` is the cursor being enumerated.
 */
function withCursorSet(
  source: SourceRecord,
  names: string[],
  index: number,
  page: { cursorsAdded?: string[]; cursorsRemoved?: string[] },
): Record<string, CursorState> {
  const cursors = { ...source.cursors };
  for (const name of page.cursorsAdded ?? []) {
    if (page.cursorsRemoved?.includes(name)) continue;
    cursors[name] ??= {};
    if (!names.includes(name)) names.push(name);
  }
  for (const name of page.cursorsRemoved ?? []) {
    delete cursors[name];
    const at = names.indexOf(name);
    // One not yet enumerated in this run is skipped; the current one and earlier ones stay in the list,
    // so the loop's position is kept.
    if (at > index) names.splice(at, 1);
  }
  return cursors;
}

/** The source's cursors with one of them replaced (stamped with the time it moved). */
function withCursor(source: SourceRecord, name: string, cursor: CursorState, now: Date): Record<string, CursorState> {
  return { ...source.cursors, [name]: withoutUndefined({ ...cursor, updatedAt: now.toISOString() }) };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
