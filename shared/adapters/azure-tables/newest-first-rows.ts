// Row keys that sort the newest first within a partition (Table Storage returns rows in row-key
// order): the inverted time, zero-padded, then a random suffix so two rows of the same millisecond
// both stay. Used by the append-only logs (audit-store.ts, sync-run-store.ts).
import { randomBytes } from 'node:crypto';

const MAX_TIME = 9_999_999_999_999;

/** The time part alone: row keys greater than this one are older than `ms`. */
export function invertedTime(ms: number): string {
  return String(MAX_TIME - ms).padStart(13, '0');
}

export function newestFirstRowKey(ms: number): string {
  return `${invertedTime(ms)}-${randomBytes(4).toString('hex')}`;
}
