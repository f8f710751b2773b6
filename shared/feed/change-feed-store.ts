// The change feed of a knowledge base, in Table Storage.
//
// Ordering: every event gets a sequence number from a per-KB counter (`changecounters`), allocated in
// ranges with ETag compare-and-swap. Several sources of one KB append at once, so a range can be
// written after a higher one. A reader must never skip past a range still being written, so each
// allocation is recorded as in flight on the counter until its events are stored, and readers see
// only events below the lowest range in flight (the watermark). A writer that crashed leaves its
// reservation behind; it stops holding the watermark after RESERVATION_TTL_MS.
//
// Layout: events are spread over partitions by sequence number: a bucket of BUCKET_SIZE consecutive
// numbers, striped over EVENT_SHARDS partitions (PartitionKey `kbId|bucket|shard`, RowKey the
// zero-padded sequence). Writes of a page go to several partitions at once (one partition is the
// throughput limit, in Azurite even more than in Azure) and none grows without bound; a read after
// a cursor range-scans the shards of one or two buckets and merges them in order.
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { ChangeEvent, ChangeEventBody } from '../domain/change-event.js';
import { isRestError, safeKey } from '../storage/table-keys.js';

export const BUCKET_SIZE = 10_000;
export const EVENT_SHARDS = 8;
const RESERVATION_TTL_MS = 5 * 60_000;
const BATCH_LIMIT = 100;
const PAD = 16;

interface Reservation {
  start: number;
  end: number;
  expiresAtMs: number;
}

interface CounterEntity {
  partitionKey: string;
  rowKey: string;
  next: number;
  reservations: string;
}

export interface FeedPage {
  events: ChangeEvent[];
  nextCursor: string;
  hasMore: boolean;
}

const pad = (seq: number) => seq.toString().padStart(PAD, '0');
const bucketOf = (seq: number) => Math.floor(seq / BUCKET_SIZE);
const partitionOf = (kbId: string, bucket: number, shard: number) =>
  safeKey(`${kbId}|${bucket.toString().padStart(8, '0')}|${shard}`);
const partitionOfSeq = (kbId: string, seq: number) => partitionOf(kbId, bucketOf(seq), seq % EVENT_SHARDS);
const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

export function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return 0;
  return /^\d{1,15}$/.test(cursor) ? Number(cursor) : undefined;
}

export class ChangeFeedStore {
  constructor(
    private readonly events: TableClient,
    private readonly counters: TableClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Appends events in order; returns the cursors they got. */
  async append(kbId: string, bodies: readonly ChangeEventBody[]): Promise<ChangeEvent[]> {
    if (bodies.length === 0) return [];
    const reservation = await this.reserve(kbId, bodies.length);
    const events = bodies.map((body, i) => ({ ...body, cursor: String(reservation.start + i) }));
    try {
      await this.writeEvents(kbId, events, reservation.start);
    } finally {
      await this.release(kbId, reservation);
    }
    return events;
  }

  async read(kbId: string, afterCursor: number, limit: number): Promise<FeedPage> {
    const watermark = await this.watermark(kbId);
    const events: ChangeEvent[] = [];
    let bucket = bucketOf(afterCursor + 1);
    const lastBucket = bucketOf(Math.max(watermark, 0));
    while (events.length < limit && bucket <= lastBucket && afterCursor < watermark) {
      const wanted = limit - events.length;
      const shards = await Promise.all(
        Array.from({ length: EVENT_SHARDS }, (_, shard) =>
          this.readShard(kbId, bucket, shard, afterCursor, watermark, wanted),
        ),
      );
      const merged = shards.flat().sort((a, b) => Number(a.cursor) - Number(b.cursor));
      events.push(...merged.slice(0, wanted));
      bucket++;
    }
    const last = events.at(-1);
    const nextCursor = last ? last.cursor : String(afterCursor);
    return { events, nextCursor, hasMore: Number(nextCursor) < watermark };
  }

  private async readShard(kbId: string, bucket: number, shard: number, after: number, upTo: number, limit: number) {
    const filter =
      `PartitionKey eq ${quote(partitionOf(kbId, bucket, shard))}` +
      ` and RowKey gt '${pad(after)}' and RowKey le '${pad(upTo)}'`;
    const out: ChangeEvent[] = [];
    const pages = this.events
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: Math.min(1000, limit) });
    for await (const page of pages) {
      for (const entity of page) out.push(fromEntity(entity));
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }

  /** Highest sequence number a reader may see: below every range still being written. */
  async watermark(kbId: string): Promise<number> {
    const counter = await this.readCounter(kbId);
    if (!counter) return 0;
    const live = parseReservations(counter.reservations).filter((r) => r.expiresAtMs > this.now());
    const lowestInFlight = Math.min(...live.map((r) => r.start), counter.next);
    return lowestInFlight - 1;
  }

  /** Removes a source's events from the feed (source deleted). */
  async deleteSourceEvents(kbId: string, sourceId: string): Promise<number> {
    const counter = await this.readCounter(kbId);
    if (!counter) return 0;
    let removed = 0;
    for (let bucket = 0; bucket <= bucketOf(counter.next); bucket++) {
      for (let shard = 0; shard < EVENT_SHARDS; shard++) {
        const partition = partitionOf(kbId, bucket, shard);
        const filter = `PartitionKey eq ${quote(partition)} and sourceId eq ${quote(sourceId)}`;
        const actions: TransactionAction[] = [];
        for await (const entity of this.events.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
          actions.push(['delete', { partitionKey: partition, rowKey: entity.rowKey! }]);
        }
        for (let i = 0; i < actions.length; i += BATCH_LIMIT) {
          await this.events.submitTransaction(actions.slice(i, i + BATCH_LIMIT));
        }
        removed += actions.length;
      }
    }
    return removed;
  }

  private async writeEvents(kbId: string, events: ChangeEvent[], start: number): Promise<void> {
    const byPartition = new Map<string, TransactionAction[]>();
    events.forEach((event, i) => {
      const partitionKey = partitionOfSeq(kbId, start + i);
      const list = byPartition.get(partitionKey) ?? [];
      list.push(['upsert', { partitionKey, rowKey: pad(start + i), ...toEntityFields(event) }, 'Replace']);
      byPartition.set(partitionKey, list);
    });
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

  private async reserve(kbId: string, count: number): Promise<Reservation> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const counter = await this.readCounter(kbId);
      const next = counter?.next ?? 1;
      const reservation: Reservation = {
        start: next,
        end: next + count - 1,
        expiresAtMs: this.now() + RESERVATION_TTL_MS,
      };
      const live = parseReservations(counter?.reservations).filter((r) => r.expiresAtMs > this.now());
      const entity: CounterEntity = {
        partitionKey: safeKey(kbId),
        rowKey: 'seq',
        next: next + count,
        reservations: JSON.stringify([...live, reservation]),
      };
      try {
        if (counter) await this.counters.updateEntity(entity, 'Replace', { etag: counter.etag });
        else await this.counters.createEntity(entity);
        return reservation;
      } catch (error) {
        if (!isRestError(error, 412) && !isRestError(error, 409)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
      }
    }
    throw new Error('could not allocate feed sequence numbers (too much contention)');
  }

  private async release(kbId: string, reservation: Reservation): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const counter = await this.readCounter(kbId);
      if (!counter) return;
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

function parseReservations(text: string | undefined): Reservation[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as Reservation[]) : [];
  } catch {
    return [];
  }
}

const EVENT_FIELDS = [
  'eventId',
  'kbId',
  'sourceId',
  'itemId',
  'op',
  'contentChanged',
  'name',
  'path',
  'mimeType',
  'size',
  'eTag',
  'quickXorHash',
  'lastModifiedDateTime',
  'webUrl',
] as const;

function toEntityFields(event: ChangeEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of EVENT_FIELDS) {
    const value = event[field];
    if (value !== null && value !== undefined) out[field] = value;
  }
  return out;
}

function fromEntity(entity: Record<string, unknown>): ChangeEvent {
  const get = <T>(field: string): T | null => (entity[field] === undefined ? null : (entity[field] as T));
  return {
    cursor: String(Number(entity.rowKey)),
    eventId: entity.eventId as string,
    kbId: entity.kbId as string,
    sourceId: entity.sourceId as string,
    itemId: entity.itemId as string,
    op: entity.op as ChangeEvent['op'],
    contentChanged: entity.contentChanged === true,
    name: get('name'),
    path: get('path'),
    mimeType: get('mimeType'),
    size: get('size'),
    eTag: get('eTag'),
    quickXorHash: get('quickXorHash'),
    lastModifiedDateTime: get('lastModifiedDateTime'),
    webUrl: get('webUrl'),
  };
}
