import { describe, expect, it } from 'vitest';
import type { TableClient } from '@azure/data-tables';
import { BUCKET_SIZE, ChangeFeedStore } from '../../../shared/adapters/azure-tables/change-feed-store.js';
import { CursorNotInFeedError, formatFeedCursor, parseFeedCursor } from '../../../shared/core/feed/feed-cursor.js';
import { freshTable } from '../../support/storage.js';
import { fileEventBody } from '../../support/event-bodies.js';

const body = fileEventBody;

async function newFeed(now?: () => number) {
  return new ChangeFeedStore(await freshTable('changes'), await freshTable('counters'), now);
}

async function newFeedWithTables() {
  const tables = { changes: await freshTable('changes'), counters: await freshTable('counters') };
  return { feed: new ChangeFeedStore(tables.changes, tables.counters), ...tables };
}

/** Storage losing rows: everything in `table` is deleted. */
async function deleteAll(table: TableClient): Promise<void> {
  for await (const entity of table.listEntities<{ partitionKey: string; rowKey: string }>()) {
    await table.deleteEntity(entity.partitionKey, entity.rowKey);
  }
}

const seqOf = (cursor: string) => {
  const parsed = parseFeedCursor(cursor);
  return parsed?.kind === 'at' ? parsed.seq : 0;
};
const generationOf = (cursor: string) => cursor.split('.')[0]!;

async function readError(promise: Promise<unknown>): Promise<CursorNotInFeedError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof CursorNotInFeedError)) throw new Error(`expected CursorNotInFeedError, got ${String(error)}`);
  return error;
}

describe('ChangeFeedStore (Azurite)', () => {
  it('returns appended events in order, paged by cursor', async () => {
    const feed = await newFeed();
    await feed.append('kb', [body('kb', 's', 'a'), body('kb', 's', 'b')]);
    await feed.append('kb', [body('kb', 's', 'c')]);
    const first = await feed.read('kb', '', 2);
    expect(first.events.map((e) => e.itemId)).toEqual(['a', 'b']);
    expect(first.hasMore).toBe(true);
    const second = await feed.read('kb', first.nextCursor, 10);
    expect(second.events.map((e) => e.itemId)).toEqual(['c']);
    expect(second.hasMore).toBe(false);
    const empty = await feed.read('kb', second.nextCursor, 10);
    expect(empty.events).toEqual([]);
    expect(empty.nextCursor).toBe(second.nextCursor);
  });

  it('keeps knowledge bases apart', async () => {
    const feed = await newFeed();
    await feed.append('kb1', [body('kb1', 's', 'a')]);
    await feed.append('kb2', [body('kb2', 's', 'b')]);
    expect((await feed.read('kb1', '', 10)).events.map((e) => e.itemId)).toEqual(['a']);
  });

  it('gives concurrent appenders disjoint, gap-free cursors', async () => {
    const feed = await newFeed();
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        feed.append('kb', [body('kb', `s${w}`, `${w}-1`), body('kb', `s${w}`, `${w}-2`)]),
      ),
    );
    const page = await feed.read('kb', '', 100);
    expect(page.events.map((e) => seqOf(e.cursor))).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it('hides events above a range that is still being written (no reader skips it)', async () => {
    let now = Date.now();
    const feed = await newFeed(() => now);
    // Reserve a range and stall its writer by reaching into the private API through append on a
    // slow table is awkward; instead simulate: a writer reserved 1..2 and crashed before writing.
    const stalled = feed as unknown as { reserve(kb: string, n: number): Promise<{ start: number }> };
    await stalled.reserve('kb', 2);
    await feed.append('kb', [body('kb', 's', 'later')]);
    expect((await feed.read('kb', '', 10)).events).toEqual([]);
    // After the reservation expires, the reader moves on (the crashed writer's range stays empty).
    now += 10 * 60_000;
    expect((await feed.read('kb', '', 10)).events.map((e) => e.itemId)).toEqual(['later']);
  });

  it('reads across partition buckets', async () => {
    const feed = await newFeed();
    const counterHack = feed as unknown as {
      reserve(kb: string, n: number): Promise<{ start: number }>;
      release(kb: string, r: unknown): Promise<void>;
    };
    const r = await counterHack.reserve('kb', BUCKET_SIZE - 2);
    await counterHack.release('kb', r);
    const [x] = await feed.append('kb', [body('kb', 's', 'x'), body('kb', 's', 'y'), body('kb', 's', 'z')]);
    const page = await feed.read('kb', formatFeedCursor(generationOf(x!.cursor), BUCKET_SIZE - 2), 10);
    expect(page.events.map((e) => [e.itemId, seqOf(e.cursor)])).toEqual([
      ['x', BUCKET_SIZE - 1],
      ['y', BUCKET_SIZE],
      ['z', BUCKET_SIZE + 1],
    ]);
  });

  it("deletes one source's events and keeps the others", async () => {
    const feed = await newFeed();
    await feed.append('kb', [body('kb', 'keep', 'a'), body('kb', 'drop', 'b'), body('kb', 'keep', 'c')]);
    expect(await feed.deleteSourceEvents('kb', 'drop')).toBe(1);
    expect((await feed.read('kb', '', 10)).events.map((e) => e.itemId)).toEqual(['a', 'c']);
  });
  it('packs events into chunks and reads from the middle of one', async () => {
    const feed = await newFeed();
    const bodies = Array.from({ length: 250 }, (_, i) => body('kb', 's', `i${i}`));
    const appended = await feed.append('kb', bodies);
    const page = await feed.read('kb', appended[36]!.cursor, 100);
    expect(page.events.map((e) => seqOf(e.cursor))).toEqual(Array.from({ length: 100 }, (_, i) => 38 + i));
    expect(page.events[0]!.itemId).toBe('i37');
    const rest = await feed.read('kb', page.nextCursor, 1000);
    expect(rest.events).toHaveLength(113);
    expect(rest.hasMore).toBe(false);
  });

  it('a cursor from before storage lost the feed is refused (409 upstream) instead of skipping reissued events', async () => {
    const { feed, changes, counters } = await newFeedWithTables();
    await feed.append(
      'kb',
      Array.from({ length: 5 }, (_, i) => body('kb', 's', `old${i}`)),
    );
    const held = (await feed.read('kb', '', 10)).nextCursor;
    expect(seqOf(held)).toBe(5);

    // Storage loses its last writes: the counter and the events are gone; new changes get 1, 2, … again.
    await deleteAll(counters);
    await deleteAll(changes);
    const fresh = await feed.append(
      'kb',
      Array.from({ length: 7 }, (_, i) => body('kb', 's', `new${i}`)),
    );
    expect(seqOf(fresh[6]!.cursor)).toBe(7);
    expect(generationOf(fresh[0]!.cursor)).not.toBe(generationOf(held));

    const error = await readError(feed.read('kb', held, 10));
    expect(error.reason).toBe('other-generation');
    expect(error.generation).toBe(generationOf(fresh[0]!.cursor));
    expect(error.headCursor).toBe(fresh[6]!.cursor);
    // Restarting from the start finds every new event.
    expect((await feed.read('kb', '', 10)).events.map((e) => e.itemId)).toEqual(fresh.map((e) => e.itemId));
  });

  it('a cursor beyond the newest event is refused, whether of this generation or a bare number', async () => {
    const feed = await newFeed();
    const [only] = await feed.append('kb', [body('kb', 's', 'a')]);
    const beyond = await readError(feed.read('kb', formatFeedCursor(generationOf(only!.cursor), 999_999), 10));
    expect(beyond).toMatchObject({ reason: 'beyond-head', headCursor: only!.cursor });
    // A bare number is a cursor of the generation before generations existed, which this counter is not.
    expect((await readError(feed.read('kb', '999999', 10))).reason).toBe('other-generation');
    // A KB that never had an event has no generation: any cursor but the start is refused.
    expect(await readError(feed.read('empty', only!.cursor, 10))).toMatchObject({
      generation: undefined,
      headCursor: '',
    });
    expect(await feed.read('empty', '', 10)).toEqual({ events: [], nextCursor: '', hasMore: false });
  });

  it('hides rows a lost counter left behind under numbers that were issued again', async () => {
    const { feed, counters } = await newFeedWithTables();
    await feed.append(
      'kb',
      Array.from({ length: 150 }, (_, i) => body('kb', 'old', `old${i}`)),
    );
    await deleteAll(counters); // the counter is lost, the chunk rows at 1 and 101 are not
    // Reissued numbers in chunks that start elsewhere (1, 4, 104), so the old row at 101 is not overwritten.
    const fresh = [
      ...(await feed.append(
        'kb',
        Array.from({ length: 3 }, (_, i) => body('kb', 'new', `new${i}`)),
      )),
      ...(await feed.append(
        'kb',
        Array.from({ length: 200 }, (_, i) => body('kb', 'new', `new${i + 3}`)),
      )),
    ];
    const page = await feed.read('kb', '', 1000);
    expect(page.events.map((e) => e.itemId)).toEqual(fresh.map((e) => e.itemId));
    expect(page.events.map((e) => seqOf(e.cursor))).toEqual(Array.from({ length: 203 }, (_, i) => i + 1));
  });

  it('keeps the cursors of a counter written before generations existed', async () => {
    const { feed, counters } = await newFeedWithTables();
    await counters.createEntity({ partitionKey: 'kb', rowKey: 'seq', next: 1, reservations: '[]' });
    const appended = await feed.append('kb', [body('kb', 's', 'a'), body('kb', 's', 'b')]);
    expect(appended.map((e) => e.cursor)).toEqual([formatFeedCursor('0', 1), formatFeedCursor('0', 2)]);
    // A host holding the old decimal cursor `1` continues where it was; `0` is still the start.
    expect((await feed.read('kb', '1', 10)).events.map((e) => e.itemId)).toEqual(['b']);
    expect((await feed.read('kb', '0', 10)).events.map((e) => e.itemId)).toEqual(['a', 'b']);
  });
});
