// Delta semantics over the drive change log (docs/graph-behaviour.md §1), independent of HTTP.
// An enumeration (full, or incremental since a token) is materialised once as an ordered list of
// item ids, with the realism knobs applied (child-first runs, later duplicates); pages are then
// pure slices of it, so replaying the same nextLink (after a 503, say) gives the same page.
// Each page serves the items' latest state; the deltaLink points at the sequence the enumeration
// was taken at, so anything that changed while paging comes again on the next round.
import { z } from 'zod';
import type { SandboxSettings } from './sandbox-settings.js';
import type { SandboxClock } from './sandbox-clock.js';
import { SeededRandom } from './seeded-random.js';
import type { SignedTokenCodec } from './signed-token.js';
import type { DriveItemRecord, DriveRecord } from './tenant-model.js';

export class DeltaError extends Error {
  readonly isDeltaError = true;
  constructor(
    readonly kind: 'resyncRequired' | 'invalidRequest',
    message: string,
  ) {
    super(message);
  }
}

export interface DeltaPage {
  items: DriveItemRecord[];
  /** Exactly one of these is set. */
  nextToken?: string;
  deltaToken?: string;
  /** Pages of an enumeration started without a token cost 2 RU, with a token 1 RU (§5). */
  startedWithoutToken: boolean;
}

interface Enumeration {
  id: number;
  driveId: string;
  scopeId: string;
  generation: number;
  entries: string[];
  endSeq: number;
  includeDeleted: boolean;
  startedWithoutToken: boolean;
}

const deltaTokenSchema = z.object({
  k: z.literal('d'),
  d: z.string(),
  s: z.string(),
  q: z.number().int(),
  t: z.number(),
  g: z.number().int(),
});
const pageTokenSchema = z.object({
  k: z.literal('p'),
  d: z.string(),
  e: z.number().int(),
  o: z.number().int(),
  g: z.number().int(),
});
const tokenSchema = z.discriminatedUnion('k', [deltaTokenSchema, pageTokenSchema]);

/**
 * Enumerations kept for their cursors: many at once (concurrent sources) but bounded in memory.
 * The oldest go first; following one of their cursors answers 410, which clients must handle anyway.
 */
const MAX_ENUMERATIONS = 1024;
const MAX_HELD_ENTRIES = 3_000_000;
const CHILD_FIRST_RUN = 32;
const DUPLICATE_MAX_DISTANCE = 300;

export class DeltaEngine {
  private readonly enumerations = new Map<number, Enumeration>();
  private nextEnumerationId = 1;
  private heldEntries = 0;

  constructor(
    private readonly codec: SignedTokenCodec,
    private readonly clock: SandboxClock,
    private readonly settings: () => SandboxSettings,
    private readonly seed: number,
  ) {}

  reset(): void {
    this.enumerations.clear();
    this.heldEntries = 0;
  }

  /**
   * Enumerations are not persisted (their cursors answer 410 after a restart, as clients must
   * handle anyway), but their numbering is: a cursor issued before a restart must never name an
   * enumeration started after it.
   */
  nextEnumerationNumber(): number {
    return this.nextEnumerationId;
  }

  continueNumberingFrom(next: number): void {
    this.nextEnumerationId = Math.max(this.nextEnumerationId, next);
  }

  /**
   * Serves one delta request. `token` is the raw token parameter (absent, "latest", a timestamp,
   * or one the sandbox issued); `top` the $top hint.
   */
  serve(drive: DriveRecord, scopeId: string, token: string | undefined, top: number | undefined): DeltaPage {
    if (scopeId !== drive.rootId && drive.kind === 'business') {
      // "Only available on the root item of a drive" for Business/SharePoint (§1). The error code
      // Business answers with is UNCONFIRMED; the sandbox uses the stricter 400 invalidRequest.
      throw new DeltaError('invalidRequest', 'Delta is only supported on the root of a drive.');
    }
    if (token === undefined) return this.page(drive, this.startFull(drive, scopeId), 0, top);
    if (token === 'latest')
      return { items: [], deltaToken: this.deltaToken(drive, scopeId, drive.seq), startedWithoutToken: false };
    if (/^\d{4}-\d{2}-\d{2}T/.test(token))
      return this.page(drive, this.startFromTimestamp(drive, scopeId, token), 0, top);

    const parsed = tokenSchema.safeParse(this.codec.decode(token));
    if (!parsed.success || parsed.data.d !== drive.id) {
      throw new DeltaError('invalidRequest', 'Invalid delta token.');
    }
    const payload = parsed.data;
    if (payload.g < drive.tokenGeneration) throw new DeltaError('resyncRequired', 'token expired on demand');
    if (payload.k === 'p') {
      const enumeration = this.enumerations.get(payload.e);
      if (!enumeration || enumeration.scopeId !== scopeId)
        throw new DeltaError('resyncRequired', 'cursor no longer held');
      return this.page(drive, enumeration, payload.o, top);
    }
    if (payload.s !== scopeId) throw new DeltaError('invalidRequest', 'Invalid delta token.');
    if (this.clock.now() - payload.t > this.settings().deltaTokenMaxAgeMs) {
      throw new DeltaError('resyncRequired', 'token older than the maximum age');
    }
    return this.page(drive, this.startIncremental(drive, scopeId, payload.q, false), 0, top);
  }

  /** §5: delta without a token costs 2 RU (as does every page of that enumeration), with a token 1 RU. */
  costOf(token: string | undefined): number {
    if (token === undefined) return 2;
    const parsed = pageTokenSchema.safeParse(this.codec.decode(token));
    if (parsed.success) return this.enumerations.get(parsed.data.e)?.startedWithoutToken ? 2 : 1;
    return 1;
  }

  private startFull(drive: DriveRecord, scopeId: string): Enumeration {
    const ids: string[] = [];
    if (scopeId === drive.rootId) {
      for (const item of drive.items.values()) if (!item.deleted) ids.push(item.id);
    } else {
      const visit = (id: string): void => {
        ids.push(id);
        for (const childId of drive.children.get(id) ?? []) visit(childId);
      };
      visit(scopeId);
    }
    return this.remember(drive, scopeId, ids, false, true);
  }

  /** Timestamp tokens: Business/SharePoint only (§1). On personal drives the answer is UNCONFIRMED: 400 here. */
  private startFromTimestamp(drive: DriveRecord, scopeId: string, token: string): Enumeration {
    if (drive.kind !== 'business')
      throw new DeltaError('invalidRequest', 'Timestamp tokens are not supported on this drive.');
    const time = Date.parse(token);
    if (Number.isNaN(time)) throw new DeltaError('invalidRequest', 'Invalid delta token.');
    if (this.clock.now() - time > this.settings().deltaTokenMaxAgeMs) {
      throw new DeltaError('resyncRequired', 'timestamp older than the maximum token age');
    }
    return this.startIncremental(drive, scopeId, this.sequenceAt(drive, time), true);
  }

  private startIncremental(drive: DriveRecord, scopeId: string, sinceSeq: number, withoutToken: boolean): Enumeration {
    const log = drive.changeLog;
    const changed = new Set<string>();
    for (let i = firstIndexAfter(log, sinceSeq); i < log.length; i++) changed.add(log[i]!.itemId);
    const ordered: string[] = [];
    const included = new Set<string>();
    for (const itemId of changed) {
      const item = drive.items.get(itemId)!;
      if (scopeId !== drive.rootId && !isWithin(drive, item, scopeId)) continue;
      // A changed item comes with its (live) parent chain up to the scope root (§1), ancestors first;
      // the child-first knob later reverses runs so clients cannot rely on that.
      const chain: string[] = [];
      for (let parentId = item.parentId; parentId !== null;) {
        const parent = drive.items.get(parentId)!;
        if (!parent.deleted && !included.has(parent.id)) chain.push(parent.id);
        if (parent.id === scopeId) break;
        parentId = parent.parentId;
      }
      for (let i = chain.length - 1; i >= 0; i--) {
        included.add(chain[i]!);
        ordered.push(chain[i]!);
      }
      if (!included.has(item.id)) {
        included.add(item.id);
        ordered.push(item.id);
      }
    }
    return this.remember(drive, scopeId, ordered, true, withoutToken);
  }

  private remember(
    drive: DriveRecord,
    scopeId: string,
    ids: string[],
    includeDeleted: boolean,
    startedWithoutToken: boolean,
  ): Enumeration {
    const id = this.nextEnumerationId++;
    const enumeration: Enumeration = {
      id,
      driveId: drive.id,
      scopeId,
      generation: drive.tokenGeneration,
      entries: this.perturb(ids, new SeededRandom(this.seed ^ Math.imul(id, 0x9e3779b1))),
      endSeq: drive.seq,
      includeDeleted,
      startedWithoutToken,
    };
    this.enumerations.set(id, enumeration);
    this.heldEntries += enumeration.entries.length;
    while (
      this.enumerations.size > 1 &&
      (this.enumerations.size > MAX_ENUMERATIONS || this.heldEntries > MAX_HELD_ENTRIES)
    ) {
      const oldest = this.enumerations.values().next().value!;
      this.heldEntries -= oldest.entries.length;
      this.enumerations.delete(oldest.id);
    }
    return enumeration;
  }

  /** Applies child-first runs and later duplicates (§1: order not guaranteed; duplicates happen). */
  private perturb(ids: string[], random: SeededRandom): string[] {
    const { childFirst, duplicateRate } = this.settings();
    if (childFirst === 0 && duplicateRate === 0) return ids;
    const ordered = ids.slice();
    if (childFirst > 0) {
      for (let start = 0; start < ordered.length; start += CHILD_FIRST_RUN) {
        if (!random.chance(childFirst)) continue;
        const end = Math.min(start + CHILD_FIRST_RUN, ordered.length) - 1;
        for (let a = start, b = end; a < b; a++, b--) [ordered[a], ordered[b]] = [ordered[b]!, ordered[a]!];
      }
    }
    if (duplicateRate === 0) return ordered;
    const result: string[] = [];
    const pending = new Map<number, string[]>();
    for (let i = 0; i < ordered.length; i++) {
      result.push(ordered[i]!);
      if (random.chance(duplicateRate)) {
        const at = i + random.int(0, DUPLICATE_MAX_DISTANCE);
        pending.set(at, [...(pending.get(at) ?? []), ordered[i]!]);
      }
      const due = pending.get(i);
      if (due) {
        result.push(...due);
        pending.delete(i);
      }
    }
    for (const due of pending.values()) result.push(...due);
    return result;
  }

  private page(drive: DriveRecord, enumeration: Enumeration, offset: number, top: number | undefined): DeltaPage {
    const size = this.pageSize(enumeration.id, offset, top);
    const end = Math.min(offset + size, enumeration.entries.length);
    const items: DriveItemRecord[] = [];
    for (let i = offset; i < end; i++) {
      const item = drive.items.get(enumeration.entries[i]!)!;
      // A first enumeration returns no deletions (§1): items deleted while paging are left out
      // here and reported as deleted by the next delta round.
      if (item.deleted && !enumeration.includeDeleted) continue;
      items.push(item);
    }
    const startedWithoutToken = enumeration.startedWithoutToken;
    if (end < enumeration.entries.length) {
      const nextToken = this.codec.encode({
        k: 'p',
        d: enumeration.driveId,
        e: enumeration.id,
        o: end,
        g: enumeration.generation,
      });
      return { items, nextToken, startedWithoutToken };
    }
    return { items, deltaToken: this.deltaToken(drive, enumeration.scopeId, enumeration.endSeq), startedWithoutToken };
  }

  private pageSize(enumerationId: number, offset: number, top: number | undefined): number {
    const { defaultPageSize, pageSizeJitter } = this.settings();
    const hint = top ?? defaultPageSize;
    if (pageSizeJitter === 0) return hint;
    const random = new SeededRandom(
      this.seed ^ Math.imul(enumerationId, 0x85ebca6b) ^ Math.imul(offset + 1, 0xc2b2ae35),
    );
    return Math.max(1, Math.round(hint * (1 + pageSizeJitter * (random.next() * 2 - 1))));
  }

  private deltaToken(drive: DriveRecord, scopeId: string, seq: number): string {
    return this.codec.encode({
      k: 'd',
      d: drive.id,
      s: scopeId,
      q: seq,
      t: this.clock.now(),
      g: drive.tokenGeneration,
    });
  }

  /** The last sequence number recorded at or before `time`. */
  private sequenceAt(drive: DriveRecord, time: number): number {
    const log = drive.changeLog;
    let low = 0;
    let high = log.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (log[mid]!.time <= time) low = mid + 1;
      else high = mid;
    }
    return low === 0 ? 0 : log[low - 1]!.seq;
  }
}

/** Index of the first change-log entry with seq > sinceSeq (the log is ascending). */
function firstIndexAfter(log: DriveRecord['changeLog'], sinceSeq: number): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (log[mid]!.seq <= sinceSeq) low = mid + 1;
    else high = mid;
  }
  return low;
}

function isWithin(drive: DriveRecord, item: DriveItemRecord, scopeId: string): boolean {
  for (let id: string | null = item.id; id !== null; id = drive.items.get(id)?.parentId ?? null) {
    if (id === scopeId) return true;
  }
  return false;
}
