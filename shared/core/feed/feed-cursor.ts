// A feed cursor is the decimal sequence number of the last event a reader has seen; none (or empty)
// reads from the start. Anything else is not a cursor of this feed.
export function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return 0;
  return /^\d{1,15}$/.test(cursor) ? Number(cursor) : undefined;
}
