// Applies pages of remote changes to our item tree and decides which events the host gets.
//
// A change feed may give each item's latest state, no paths, and no descendants of a renamed or
// moved folder, and send a child before its parent (docs/graph-behaviour.md §1 for one that does). So the applier keeps its own
// tree: paths are derived from parents, a folder change is cascaded to its descendants from the
// store, and an item whose parent is not known yet waits ("pending") until the parent arrives.
//
// Only files produce events; folders shape paths and scope. Anything that makes a file disappear
// for the host (deleted, moved out of scope, filtered out) is staged, not emitted: the run decides
// at its end whether the mass-delete guard holds the staged deletes or releases them.
//
// One round (deltaLink to deltaLink) may change a file's bytes and then re-path it (its folder was
// renamed), as two events. A host that folds the feed keeps the last one, so every later event of
// the round says contentChanged: true too: the row remembers the round in which the host was told
// the bytes changed (`contentChangedRound`), which survives write groups and resumed runs, and a
// replayed page reads the same rows, so it derives the same events (docs/api.md, folding the feed).
import type { ChangeEventBody } from '../domain/change-event.js';
import type { RemoteItem } from '../domain/remote-item.js';
import { DEFAULT_CURSOR, type SourceRecord } from '../domain/source.js';
import type { ContentFacts } from '../ports/provider-ports.js';
import type { ItemState } from '../domain/item-state.js';
import { upsertEvent } from './event-builder.js';
import { passesFilters } from './file-filters.js';

export interface ItemLookup {
  getMany(ids: readonly string[]): Promise<Map<string, ItemState>>;
  descendantsOf(folderId: string): Promise<ItemState[]>;
  /** Every item below a folder, from the provider (for a folder that came into scope). */
  listRemoteSubtree(folderId: string): AsyncIterable<RemoteItem[]>;
}

export interface PageOutcome {
  events: ChangeEventBody[];
  /** Rows to write (upsert), in any order. */
  writes: ItemState[];
  /** Rows to remove. */
  removals: string[];
  /** Files staged for deletion in this page (their rows are among `writes`, marked deleteHeld). */
  staged: ItemState[];
  /** Change in the number of files the host sees (new files minus none: staged deletes count at release). */
  newlyIncluded: number;
}

export interface ApplierOptions {
  /** Nothing is stored for this source yet: skip look-ups of prior state (initial crawl). */
  freshCrawl: boolean;
  /** The resync run id, stamped on every row seen so reconcile can find the ones not seen. */
  resyncRunId?: string;
  /** Names the enumeration round (SourceRecord.roundStartedAt); the syncer always passes it. */
  roundId?: string;
  /** The cursor whose pages this applier applies (stamped on rows of other cursors than the default). */
  cursorName?: string;
  /** The provider's content-version rule (SyncProvider.contentChanged). */
  contentChanged: (before: ContentFacts, after: ContentFacts) => boolean;
}

export class ChangeApplier {
  /** Folders touched in this run, so parents are not read again for every page. */
  private readonly folders = new Map<string, ItemState>();
  /** Ids applied earlier in a fresh crawl: a repeat must be compared with what we stored. */
  private readonly seenInFreshCrawl = new Set<string>();
  /** Children waiting for a parent we have not seen yet: parentId → child ids. */
  private readonly pendingByParent = new Map<string, Set<string>>();

  constructor(
    private readonly source: SourceRecord,
    private readonly lookup: ItemLookup,
    private readonly options: ApplierOptions,
  ) {}

  /** Restores pending children after a restart (their rows carry `pending`). */
  rememberPending(rows: readonly ItemState[]): void {
    for (const row of rows) {
      if (row.pending && row.pendingParentId) this.addPending(row.pendingParentId, row.id);
    }
  }

  get pendingCount(): number {
    let count = 0;
    for (const children of this.pendingByParent.values()) count += children.size;
    return count;
  }

  async applyPage(page: readonly RemoteItem[]): Promise<PageOutcome> {
    // The same item may appear more than once in one enumeration: the last occurrence wins.
    const latest = new Map<string, RemoteItem>();
    for (const item of page) {
      latest.delete(item.id);
      latest.set(item.id, item);
    }
    const work = new PageWork();
    const prior = await this.priorStates([...latest.values()]);
    for (const remote of latest.values()) {
      await this.applyOne(remote, work.rows.get(remote.id) ?? prior.get(remote.id), prior, work);
    }
    return work.outcome();
  }

  private async priorStates(items: RemoteItem[]): Promise<Map<string, ItemState>> {
    const states = new Map<string, ItemState>();
    const wanted = new Set<string>();
    for (const item of items) {
      const cached = this.folders.get(item.id);
      if (cached) states.set(item.id, cached);
      else if (!this.options.freshCrawl || this.seenInFreshCrawl.has(item.id)) wanted.add(item.id);
      if (this.options.freshCrawl) this.seenInFreshCrawl.add(item.id);
      if (item.parentId && !this.folders.has(item.parentId) && !this.options.freshCrawl) wanted.add(item.parentId);
    }
    for (const id of states.keys()) wanted.delete(id);
    if (wanted.size > 0) {
      for (const [id, state] of await this.lookup.getMany([...wanted])) {
        states.set(id, state);
        if (state.isFolder) this.folders.set(id, state);
      }
    }
    return states;
  }

  private async applyOne(
    remote: RemoteItem,
    prior: ItemState | undefined,
    known: Map<string, ItemState>,
    work: PageWork,
  ) {
    if (remote.deleted) {
      await this.applyDelete(remote.id, prior, work);
      return;
    }
    // The root, and an item of a flat source (no parent at all), need no parent to be resolved.
    const needsParent = !remote.isRoot && remote.parentId !== undefined;
    const parent = needsParent ? this.parentState(remote.parentId, known, work) : undefined;
    if (needsParent && (!parent || parent.pending)) {
      this.markPending(remote, prior, work);
      return;
    }
    await this.applyResolved(remote, prior, parent, work);
  }

  private parentState(
    parentId: string | undefined,
    known: Map<string, ItemState>,
    work: PageWork,
  ): ItemState | undefined {
    if (!parentId) return undefined;
    return work.rows.get(parentId) ?? this.folders.get(parentId) ?? known.get(parentId);
  }

  private async applyResolved(
    remote: RemoteItem,
    prior: ItemState | undefined,
    parent: ItemState | undefined,
    work: PageWork,
  ) {
    const next = this.resolve(remote, parent);
    if (prior?.pending && prior.pendingParentId) this.pendingByParent.get(prior.pendingParentId)?.delete(prior.id);
    const before =
      prior && !prior.pending ? prior : prior?.pendingBase ? (JSON.parse(prior.pendingBase) as ItemState) : undefined;
    this.transition(before, next, work);
    if (next.isFolder) {
      this.folders.set(next.id, next);
      const moved = before && (before.path !== next.path || before.inScope !== next.inScope);
      if (moved) await this.cascade(next, before, work);
      await this.resolvePendingChildren(next.id, work);
    }
  }

  /** Derives path, scope and inclusion from the parent. */
  private resolve(remote: RemoteItem, parent: ItemState | undefined): ItemState {
    const scopeId = this.source.resolvedLocation.scopeItemId;
    const isScopeRoot = scopeId ? remote.id === scopeId : remote.isRoot;
    // A flat source's items have no parent: they sit at the top of an unscoped source.
    const topLevel = !remote.isRoot && remote.parentId === undefined && !scopeId;
    const inScope = isScopeRoot || topLevel || (parent?.inScope ?? false);
    const path = isScopeRoot
      ? ''
      : topLevel
        ? `/${remote.name ?? ''}`
        : inScope && parent
          ? `${parent.path ?? ''}/${remote.name ?? ''}`
          : undefined;
    const included = inScope && !remote.isFolder && passesFilters(this.source.filters, remote.name, remote.size);
    return {
      ...this.identityOf(remote),
      isRoot: remote.isRoot,
      path,
      inScope,
      included,
      pending: false,
      eTag: remote.eTag,
      contentHash: remote.contentHash,
      contentVersion: remote.contentVersion,
      message: remote.message,
      size: remote.size,
      mimeType: remote.mimeType,
      lastModifiedDateTime: remote.lastModifiedDateTime,
      webUrl: remote.webUrl,
      seenRun: this.options.resyncRunId,
    };
  }

  /** Compares what the host last saw with the new state and records the row and any event. */
  private transition(before: ItemState | undefined, next: ItemState, work: PageWork) {
    const wasIncluded = before?.included === true;
    if (next.included) {
      const round = this.options.roundId;
      const bytesChanged = !wasIncluded || this.options.contentChanged(before, next);
      // An event that follows a content change of this round says so too (see the top of the file).
      const toldThisRound = wasIncluded && round !== undefined && before.contentChangedRound === round;
      if (round !== undefined && (bytesChanged || toldThisRound)) next.contentChangedRound = round;
      if (!wasIncluded) {
        work.events.push(upsertEvent(this.source, next, true));
        work.newlyIncluded++;
      } else if (bytesChanged || before.path !== next.path) {
        work.events.push(upsertEvent(this.source, next, bytesChanged || toldThisRound));
      }
      work.put(next);
    } else if (wasIncluded) {
      // Gone for the host (moved out of scope, renamed past a filter): stage its delete.
      this.stage(before, work);
      if (next.isFolder || next.inScope) work.put({ ...next, deleteHeld: undefined });
    } else if (next.isFolder || next.inScope) {
      work.put(next);
    } else if (before) {
      work.remove(next.id);
    }
  }

  private stage(lastSeen: ItemState, work: PageWork) {
    const staged: ItemState = { ...lastSeen, deleteHeld: true, seenRun: this.options.resyncRunId ?? lastSeen.seenRun };
    work.staged.push(staged);
    work.put(staged);
  }

  private async applyDelete(id: string, prior: ItemState | undefined, work: PageWork) {
    if (!prior) return;
    if (prior.pending && prior.pendingParentId) this.pendingByParent.get(prior.pendingParentId)?.delete(id);
    const base = prior.pending && prior.pendingBase ? (JSON.parse(prior.pendingBase) as ItemState) : prior;
    if (base.isFolder) {
      this.folders.delete(id);
      for (const descendant of await this.lookup.descendantsOf(id)) {
        if (work.rows.has(descendant.id) && work.removed.has(descendant.id)) continue;
        // Moved out of the folder earlier in this page: the stored row is stale, the item lives on.
        if (this.movedOutOf(id, descendant, work)) continue;
        if (descendant.included && !descendant.deleteHeld) this.stage(descendant, work);
        else if (!descendant.deleteHeld) work.remove(descendant.id);
        if (descendant.isFolder) this.folders.delete(descendant.id);
      }
      work.remove(id);
      return;
    }
    if (base.included && !base.deleteHeld) this.stage(base, work);
    else if (!base.deleteHeld) work.remove(id);
    // Staged by a run that stopped before releasing it (a crash after the item rows were written, with
    // the final cursor not yet saved): this run re-read the delete, so it is this run's to release.
    else {
      work.staged.push(base);
      work.put(base);
    }
  }

  /** Whether this page moved `descendant` (a stored row below `folderId`) out from under the folder. */
  private movedOutOf(folderId: string, descendant: ItemState, work: PageWork): boolean {
    const current = work.rows.get(descendant.id);
    if (!current || current.parentId === descendant.parentId) return false;
    // Walk up from its new parent through what this run knows; reaching the folder means still below it.
    let parentId = current.parentId;
    for (let depth = 0; parentId && depth < 256; depth++) {
      if (parentId === folderId) return false;
      parentId = (work.rows.get(parentId) ?? this.folders.get(parentId))?.parentId;
    }
    return true;
  }

  /** A folder was renamed or moved: its descendants' paths (and maybe scope) changed too. */
  private async cascade(folder: ItemState, before: ItemState, work: PageWork) {
    if (!before.inScope && folder.inScope) {
      // Came into scope: files below it were never stored (out-of-scope files are not kept), so
      // list the subtree from the provider and apply it as if delta had returned it.
      for await (const page of this.lookup.listRemoteSubtree(folder.id)) {
        const prior = await this.lookup.getMany(page.map((item) => item.id));
        for (const remote of page)
          await this.applyOne(remote, work.rows.get(remote.id) ?? prior.get(remote.id), prior, work);
      }
      return;
    }
    const parents = new Map<string, ItemState>([[folder.id, folder]]);
    for (const descendant of await this.lookup.descendantsOf(folder.id)) {
      if (descendant.pending || descendant.deleteHeld) continue;
      const parent = descendant.parentId ? parents.get(descendant.parentId) : undefined;
      if (!parent) continue;
      const current = work.rows.get(descendant.id) ?? descendant;
      const next = this.resolve(toRemote(current), parent);
      this.transition(current, next, work);
      if (next.isFolder) {
        parents.set(next.id, next);
        this.folders.set(next.id, next);
      }
    }
  }

  private markPending(remote: RemoteItem, prior: ItemState | undefined, work: PageWork) {
    const parentId = remote.parentId ?? '';
    if (prior?.pending && prior.pendingParentId) this.pendingByParent.get(prior.pendingParentId)?.delete(remote.id);
    this.addPending(parentId, remote.id);
    // Keep what the host last saw (for the transition once resolved) and the newest remote state.
    const base = prior?.pending ? prior.pendingBase : prior ? JSON.stringify(prior) : undefined;
    work.put({
      ...this.identityOf(remote),
      isRoot: false,
      inScope: false,
      included: false,
      pending: true,
      pendingParentId: parentId,
      pendingRemote: JSON.stringify(remote),
      pendingBase: base,
      seenRun: this.options.resyncRunId,
    });
  }

  /** What every item row starts with, tracked or pending: ids, kind, its cursor (when not the default) and name. */
  private identityOf(remote: RemoteItem) {
    const cursorName = remote.cursorName ?? this.options.cursorName;
    return {
      id: remote.id,
      ...(remote.kind === 'file' ? {} : { kind: remote.kind }),
      ...(cursorName && cursorName !== DEFAULT_CURSOR ? { cursorName } : {}),
      parentId: remote.parentId,
      name: remote.name,
      isFolder: remote.isFolder,
    };
  }

  private addPending(parentId: string, childId: string) {
    const set = this.pendingByParent.get(parentId) ?? new Set<string>();
    set.add(childId);
    this.pendingByParent.set(parentId, set);
  }

  private async resolvePendingChildren(parentId: string, work: PageWork) {
    const waiting = this.pendingByParent.get(parentId);
    if (!waiting || waiting.size === 0) return;
    this.pendingByParent.delete(parentId);
    const missing = [...waiting].filter((id) => !work.rows.has(id));
    const stored = missing.length > 0 ? await this.lookup.getMany(missing) : new Map<string, ItemState>();
    for (const childId of waiting) {
      const row = work.rows.get(childId) ?? stored.get(childId);
      if (!row?.pending || !row.pendingRemote) continue;
      const remote = JSON.parse(row.pendingRemote) as RemoteItem;
      await this.applyResolved(remote, row, this.folders.get(parentId) ?? work.rows.get(parentId), work);
    }
  }
}

function toRemote(state: ItemState): RemoteItem {
  return {
    id: state.id,
    kind: state.kind ?? 'file',
    name: state.name,
    parentId: state.parentId,
    isFolder: state.isFolder,
    isRoot: state.isRoot,
    deleted: false,
    size: state.size,
    mimeType: state.mimeType,
    contentHash: state.contentHash,
    contentVersion: state.contentVersion,
    message: state.message,
    // A row re-resolved by another cursor's page (its folder renamed) stays with its own cursor.
    cursorName: state.cursorName ?? DEFAULT_CURSOR,
    eTag: state.eTag,
    lastModifiedDateTime: state.lastModifiedDateTime,
    webUrl: state.webUrl,
  };
}

/** What one page produces, collected in order. */
class PageWork {
  readonly events: ChangeEventBody[] = [];
  readonly rows = new Map<string, ItemState>();
  readonly removed = new Set<string>();
  readonly staged: ItemState[] = [];
  newlyIncluded = 0;

  put(row: ItemState) {
    this.removed.delete(row.id);
    this.rows.set(row.id, row);
  }

  remove(id: string) {
    this.rows.delete(id);
    this.removed.add(id);
  }

  outcome(): PageOutcome {
    return {
      events: this.events,
      writes: [...this.rows.values()],
      removals: [...this.removed],
      staged: this.staged.filter((row) => this.rows.get(row.id)?.deleteHeld === true),
      newlyIncluded: this.newlyIncluded,
    };
  }
}
