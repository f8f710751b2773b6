// The provider's cursor: where a Google Drive source's enumeration stands. Drive's crawl and change log
// are separate APIs (https://developers.google.com/workspace/drive/api/guides/manage-changes), so the
// cursor says which phase it is in:
// - `crawl`: files.list is under way; `start` is the change log position taken BEFORE the crawl began
//   (so nothing changed during the crawl is lost), `page` the files.list page token (absent: first page);
// - `changes`: changes.list from `page`.
// The final cursor (between syncs) is a `changes` cursor at a `newStartPageToken`.
import { z } from 'zod';

const cursorSchema = z.discriminatedUnion('phase', [
  z.object({
    v: z.literal(1),
    phase: z.literal('crawl'),
    start: z.string().min(1),
    page: z.string().min(1).optional(),
  }),
  z.object({ v: z.literal(1), phase: z.literal('changes'), page: z.string().min(1) }),
]);
export type DriveCursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: DriveCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** Undefined for a cursor this provider did not write (treated as expired: the enumeration restarts). */
export function decodeCursor(value: string): DriveCursor | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
