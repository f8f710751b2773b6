// Feed cursors: `<generation>.<sequence number, 15 digits>`, opaque to hosts (docs/api.md).
//
// The generation is a random id created with a KB's sequence counter. If storage loses the counter
// (and the events), the next append creates a new counter with a new generation and numbers start at
// 1 again; a host still holding a cursor of the old generation is told so (409) instead of being
// served from a number that now means other events. Within one generation cursors sort as strings
// in feed order (fixed width).
//
// Before generations existed, cursors were bare decimal numbers and counters had no generation: such
// a counter has LEGACY_GENERATION, and a bare number is a cursor of that generation, so hosts that
// hold one keep working. A bare `0` (the old "from the start") still means the start.
import { randomBytes } from 'node:crypto';

export const LEGACY_GENERATION = '0';
const SEQ_DIGITS = 15;

export type FeedCursor = { kind: 'start' } | { kind: 'at'; generation: string; seq: number };

export const FEED_START: FeedCursor = { kind: 'start' };

/** 6 random bytes, base64url: 8 characters, never `.` and never LEGACY_GENERATION. */
export function newFeedGeneration(): string {
  return randomBytes(6).toString('base64url');
}

export function formatFeedCursor(generation: string, seq: number): string {
  return `${generation}.${seq.toString().padStart(SEQ_DIGITS, '0')}`;
}

/** undefined when the text is not a cursor of any feed; absent or empty is the start. */
export function parseFeedCursor(text: string | undefined): FeedCursor | undefined {
  if (text === undefined || text === '') return FEED_START;
  if (/^\d{1,15}$/.test(text)) {
    const seq = Number(text);
    return seq === 0 ? FEED_START : { kind: 'at', generation: LEGACY_GENERATION, seq };
  }
  const match = /^([A-Za-z0-9_-]{1,32})\.(\d{15})$/.exec(text);
  if (!match) return undefined;
  return { kind: 'at', generation: match[1]!, seq: Number(match[2]) };
}

export type CursorConflict = 'other-generation' | 'beyond-head';

/** The cursor is well formed but not a position in the feed as it is now (docs/api.md, 409). */
export class CursorNotInFeedError extends Error {
  constructor(
    readonly reason: CursorConflict,
    /** The feed's current generation; undefined while the KB has no counter (nothing was ever appended). */
    readonly generation: string | undefined,
    /** Newest position a reader may see; the empty string (the start) without a generation. */
    readonly headCursor: string,
  ) {
    super(
      reason === 'other-generation'
        ? 'the cursor is from another generation of this feed'
        : 'the cursor is beyond the newest event of this feed',
    );
    this.name = 'CursorNotInFeedError';
  }
}
