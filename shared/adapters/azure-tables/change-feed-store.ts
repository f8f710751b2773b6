// The change feed of a knowledge base, in Table Storage.
//
// Ordering: every event gets a sequence number from a per-KB counter (`changecounters`), allocated in
// ranges with ETag compare-and-swap. Several sources of one KB append at once, so a range can be
// written after a higher one. A reader must never skip past a range still being written, so each
// allocation is recorded as in flight on the counter until its events are stored, and readers see
// only events below the lowest range in flight (the watermark). A writer that crashed leaves its
// reservation behind; it stops holding the watermark after RESERVATION_TTL_MS.
//
// Layout: events are packed into chunks of up to CHUNK_EVENTS consecutive events of one append (one
// source), one row per chunk: RowKey = the chunk's first sequence number (zero-padded), `events` = a
// JSON array. Entity writes, not bytes, are what Table Storage (and Azurite even more) limits, so a
// 100,000-file crawl writes about 1,000 feed rows instead of 100,000. Rows live in partitions of
// BUCKET_SIZE sequence numbers (PartitionKey `kbId|bucket`), and a chunk never spans two buckets,
// so a read after a cursor is a range scan that starts at most CHUNK_EVENTS-1 numbers earlier.
//
// Generations (feed-cursor.ts): the counter row carries a random generation, created with it, and
// every chunk row records the generation it was written under. A read checks the host's cursor
// against the counter (another generation, or beyond the watermark: CursorNotInFeedError) and skips
// chunks of other generations, which a lost counter can leave behind under reissued numbers.
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { ChangeEvent, ChangeEventBody } from '../../core/domain/change-event.js';
import type { ChangeFeed, FeedPage } from '../../core/ports/change-feed.js';
import { isRestError } from '../azure/rest-error.js';
import { safeKey } from './table-keys.js';
import {
  CursorNotInFeedError,
  formatFeedCursor,
  LEGACY_GENERATION,
  newFeedGeneration,
  parseFeedCursor,
} from '../../core/feed/feed-cursor.js';

export const BUCKET_SIZE = 100_000;
export const CHUNK_EVENTS = 100;
/** A string property holds at most 64 KiB of UTF-16; stay well below it. */
const CHUNK_MAX_CHARS = 28_000;
const RESERVATION_TTL_MS = 5 * 60_000;
const BATCH_LIMIT = 100;
const PAD = 16;

interface Reservation {
  start: number;
  end: number;
  expiresAtMs: number;
}

/** A reservation and the generation of the counter it was taken from. */
interface Allocation extends Reservation {
  generation: string;
}

interface CounterEntity {
  partitionKey: string;
  rowKey: string;
  /** Absent on counters created before generations existed (LEGACY_GENERATION). */
  generation?: string;
  next: number;
  reservations: string;
}

const pad = (seq: number) => seq.toString().padStart(PAD, '0');
const bucketOf = (seq: number) => Math.floor(seq / BUCKET_SIZE);
const partitionOf = (kbId: string, bucket: number) => safeKey(`${kbId}|${bucket.toString().padStart(8, '0')}`);
const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

export class ChangeFeedStore implements ChangeFeed {
  constructor(
    private readonly events: TableClient,
    private readonly counters: TableClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Appends events in order; returns the cursors they got. */
  async append(kbId: string, bodies: readonly ChangeEventBody[]): Promise<ChangeEvent[]> {
    if (bodies.length === 0) return [];
    const reservation = await this.reserve(kbId, bodies.length);
    const events = bodies.map((body, i) => ({
      ...body,
      cursor: formatFeedCursor(reservation.generation, reservation.start + i),
    }));
    try {
      await this.writeEvents(kbId, events, reservation);
    } finally {
      await this.release(kbId, reservation);
    }
    return events;
  }

  /**
   * The events after `after` (a cursor from this feed; empty = the start), up to `limit`. Throws
   * CursorNotInFeedError for a cursor of another generation or beyond the watermark.
   */
  async read(kbId: string, after: string, limit: number): Promise<FeedPage> {
    const cursor = parseFeedCursor(after);
    if (!cursor) throw new TypeError('not a feed cursor (callers validate it with parseFeedCursor)');
    const counter = await this.readCounter(kbId);
    const generation = counter ? generationOf(counter) : undefined;
    const watermark = counter ? this.watermarkOf(counter) : 0;
    const headCursor = generation === undefined ? '' : formatFeedCursor(generation, watermark);
    if (cursor.kind === 'at' && cursor.generation !== generation) {
      throw new CursorNotInFeedError('other-generation', generation, headCursor);
    }
    // No reader was ever handed a number above the watermark; one above it was issued before storage
    // lost its last writes, and the numbers up to it may be reissued to other events.
    if (cursor.kind === 'at' && cursor.seq > watermark) {
      throw new CursorNotInFeedError('beyond-head', generation, headCursor);
    }
    const afterCursor = cursor.kind === 'at' ? cursor.seq : 0;
    const events: ChangeEvent[] = [];
    let lastSeq = afterCursor;
    let bucket = bucketOf(afterCursor + 1);
    while (events.length < limit && afterCursor < watermark && bucket <= bucketOf(watermark)) {
      // The chunk holding afterCursor + 1 starts at most CHUNK_EVENTS - 1 numbers before it.
      const from = Math.max(bucket * BUCKET_SIZE, afterCursor + 2 - CHUNK_EVENTS);
      const filter =
        `PartitionKey eq ${quote(partitionOf(kbId, bucket))}` +
        ` and RowKey ge '${pad(from)}' and RowKey le '${pad(watermark)}'`;
      const pages = this.events.listEntities<ChunkEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: 100 });
      scan: for await (const page of pages) {
        for (const chunk of page) {
          // Left behind by a lost counter: its numbers now belong to this generation's events.
          if ((chunk.generation ?? LEGACY_GENERATION) !== generation) continue;
          for (const [i, body] of unpackChunk(chunk).entries()) {
            const seq = chunk.first + i;
            if (seq <= afterCursor || seq > watermark) continue;
            events.push({ ...body, cursor: formatFeedCursor(generation, seq) });
            lastSeq = seq;
            if (events.length >= limit) break scan;
          }
        }
      }
      bucket++;
    }
    // Without a counter nothing was ever appended: the next read starts from the start again.
    const nextCursor = generation === undefined ? '' : formatFeedCursor(generation, lastSeq);
    return { events, nextCursor, hasMore: lastSeq < watermark };
  }

  /** The cursor of the newest event a reader may see now: what a push to the host announces. */
  async head(kbId: string): Promise<string> {
    const counter = await this.readCounter(kbId);
    return counter ? formatFeedCursor(generationOf(counter), this.watermarkOf(counter)) : '';
  }

  /** Highest sequence number a reader may see: below every range still being written. */
  private watermarkOf(counter: CounterEntity): number {
    const live = parseReservations(counter.reservations).filter((r) => r.expiresAtMs > this.now());
    const lowestInFlight = Math.min(...live.map((r) => r.start), counter.next);
    return lowestInFlight - 1;
  }

  /** Removes a source's events from the feed (source deleted). A chunk holds one source's events. */
  async deleteSourceEvents(kbId: string, sourceId: string): Promise<number> {
    const counter = await this.readCounter(kbId);
    if (!counter) return 0;
    let removed = 0;
    for (let bucket = 0; bucket <= bucketOf(counter.next); bucket++) {
      const partition = partitionOf(kbId, bucket);
      const filter = `PartitionKey eq ${quote(partition)} and sourceId eq ${quote(sourceId)}`;
      const actions: TransactionAction[] = [];
      for await (const chunk of this.events.listEntities<ChunkEntity>({
        queryOptions: { filter, select: ['RowKey', 'count'] },
      })) {
        actions.push(['delete', { partitionKey: partition, rowKey: chunk.rowKey }]);
        removed += chunk.count;
      }
      for (let i = 0; i < actions.length; i += BATCH_LIMIT) {
        await this.events.submitTransaction(actions.slice(i, i + BATCH_LIMIT));
      }
    }
    return removed;
  }

  private async writeEvents(kbId: string, events: ChangeEvent[], allocation: Allocation): Promise<void> {
    const byPartition = new Map<string, TransactionAction[]>();
    for (const chunk of packChunks(events, allocation.start)) {
      const partitionKey = partitionOf(kbId, bucketOf(chunk.first));
      const list = byPartition.get(partitionKey) ?? [];
      list.push(['upsert', { partitionKey, ...chunk, generation: allocation.generation }, 'Replace']);
      byPartition.set(partitionKey, list);
    }
    const batches: TransactionAction[][] = [];
    for (const actions of byPartition.values()) {
      for (let i = 0; i < actions.length; i += BATCH_LIMIT) batches.push(actions.slice(i, i + BATCH_LIMIT));
    }
    await Promise.all(batches.map((batch) => this.events.submitTransaction(batch)));
  }

  private async readCounter(kbId: string): Promise<(CounterEntity & { etag: string }) | undefined> {
    try {
      return await this.counters.getEntity<CounterEntity>(safeKey(kbId), 'seq');
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
  }

  private async reserve(kbId: string, count: number): Promise<Allocation> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const counter = await this.readCounter(kbId);
      const next = counter?.next ?? 1;
      const reservation: Reservation = {
        start: next,
        end: next + count - 1,
        expiresAtMs: this.now() + RESERVATION_TTL_MS,
      };
      const live = parseReservations(counter?.reservations).filter((r) => r.expiresAtMs > this.now());
      // A new counter is a new generation: numbers from 1 again must not match old cursors.
      const generation = counter ? generationOf(counter) : newFeedGeneration();
      // A counter from before generations stays without one (LEGACY_GENERATION), so its cursors hold.
      const legacy = counter !== undefined && counter.generation === undefined;
      const entity: CounterEntity = {
        partitionKey: safeKey(kbId),
        rowKey: 'seq',
        ...(legacy ? {} : { generation }),
        next: next + count,
        reservations: JSON.stringify([...live, reservation]),
      };
      try {
        if (counter) await this.counters.updateEntity(entity, 'Replace', { etag: counter.etag });
        else await this.counters.createEntity(entity);
        return { ...reservation, generation };
      } catch (error) {
        if (!isRestError(error, 412) && !isRestError(error, 409)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
      }
    }
    throw new Error('could not allocate feed sequence numbers (too much contention)');
  }

  private async release(kbId: string, reservation: Allocation): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const counter = await this.readCounter(kbId);
      // A counter of another generation holds none of this writer's reservations.
      if (!counter || generationOf(counter) !== reservation.generation) return;
      const remaining = parseReservations(counter.reservations).filter(
        (r) => r.start !== reservation.start && r.expiresAtMs > this.now(),
      );
      try {
        await this.counters.updateEntity({ ...counter, reservations: JSON.stringify(remaining) }, 'Replace', {
          etag: counter.etag,
        });
        return;
      } catch (error) {
        if (!isRestError(error, 412)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
      }
    }
  }
}

function generationOf(counter: CounterEntity): string {
  return counter.generation ?? LEGACY_GENERATION;
}

function parseReservations(text: string | undefined): Reservation[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as Reservation[]) : [];
  } catch {
    return [];
  }
}

interface ChunkEntity {
  partitionKey: string;
  rowKey: string;
  sourceId: string;
  /** The counter's generation when the chunk was written; absent on chunks written before generations. */
  generation?: string;
  first: number;
  count: number;
  /** JSON array of event bodies; event i has sequence number `first + i`. */
  events: string;
}

/** Splits one append's events into chunks: at most CHUNK_EVENTS each, never across a bucket. */
function packChunks(events: readonly ChangeEvent[], start: number): Array<Omit<ChunkEntity, 'partitionKey'>> {
  const chunks: Array<Omit<ChunkEntity, 'partitionKey'>> = [];
  let bodies: string[] = [];
  let chars = 0;
  let first = start;
  const close = () => {
    if (bodies.length === 0) return;
    chunks.push({
      rowKey: pad(first),
      sourceId: events[first - start]!.sourceId,
      first,
      count: bodies.length,
      events: `[${bodies.join(',')}]`,
    });
    first += bodies.length;
    bodies = [];
    chars = 0;
  };
  events.forEach((event, i) => {
    const seq = start + i;
    const { cursor: _cursor, ...body } = event;
    const json = JSON.stringify(body);
    const crossesBucket = bodies.length > 0 && bucketOf(seq) !== bucketOf(first);
    // One source per chunk, so removing a source removes whole rows.
    const otherSource = bodies.length > 0 && events[first - start]!.sourceId !== event.sourceId;
    if (bodies.length >= CHUNK_EVENTS || chars + json.length > CHUNK_MAX_CHARS || crossesBucket || otherSource) close();
    bodies.push(json);
    chars += json.length + 1;
  });
  close();
  return chunks;
}

/** Event i of the chunk has sequence number `chunk.first + i`. */
function unpackChunk(chunk: ChunkEntity): ChangeEventBody[] {
  return (JSON.parse(chunk.events) as StoredEventBody[]).map(withSchemaV1Fields);
}

/** Events appended before events had kinds lack the fields schema version 1 added; they were all drive files. */
type StoredEventBody = Omit<ChangeEventBody, 'schemaVersion' | 'kind' | 'contentHash'> & Partial<ChangeEventBody>;

function withSchemaV1Fields(event: StoredEventBody): ChangeEventBody {
  if (event.schemaVersion !== undefined) return event as ChangeEventBody;
  return {
    ...event,
    schemaVersion: 1,
    kind: 'file',
    contentHash: event.quickXorHash ? { algorithm: 'quickXorHash', value: event.quickXorHash } : null,
  };
}
