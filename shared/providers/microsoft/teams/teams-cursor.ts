// The cursors of Teams message enumerations are ours, not Graph's links alone: base64url JSON with a
// version, parsed with zod, so a cursor of another shape (another provider's, an older one) starts
// the enumeration over instead of being sent anywhere.
import { z } from 'zod';

/**
 * A channel's cursor. `phase`: `list` lists every root post (any age) with its replies; `seed` reads
 * delta once from the start to get a deltaLink (delta reaches back eight months only); `delta` follows
 * Graph's links. `since`: when the list began (posts changed after it get their replies listed again
 * during the seed). `recent`: posts whose thread changed lately, [postId, ISO time], whose replies each
 * delta pass lists again (teams/channel-changes.ts says why).
 */
const channelCursorSchema = z.object({
  v: z.literal(1),
  phase: z.enum(['list', 'seed', 'delta']),
  link: z.string().min(1),
  since: z.string().optional(),
  recent: z
    .array(z.tuple([z.string(), z.string()]))
    .max(100)
    .default([]),
});
export type ChannelCursor = z.output<typeof channelCursorSchema>;

/**
 * A chat's cursor: the high-water mark `hw` (the newest lastModifiedDateTime seen, null before the
 * first pass ends), and while a pass pages, Graph's nextLink and the newest time seen in the pass.
 */
const chatCursorSchema = z.object({
  v: z.literal(1),
  hw: z.string().nullable(),
  link: z.string().min(1).optional(),
  top: z.string().optional(),
});
export type ChatCursor = z.output<typeof chatCursorSchema>;

export function encodeCursor(cursor: ChannelCursor | ChatCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeWith<S extends z.ZodType>(schema: S, value: string): z.output<S> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const decodeChannelCursor = (value: string): ChannelCursor | undefined => decodeWith(channelCursorSchema, value);
export const decodeChatCursor = (value: string): ChatCursor | undefined => decodeWith(chatCursorSchema, value);

/**
 * How far back a chat pass looks past its high-water mark. Graph may write a message's
 * lastModifiedDateTime a moment after a later one is already listed, and `gt` excludes the mark
 * itself; messages seen twice are harmless (the engine compares versions), messages missed are not.
 */
export const CHAT_OVERLAP_MS = 5 * 60_000;

/** The `lastModifiedDateTime gt` bound of the next chat pass; undefined: the first pass lists everything. */
export function chatFilterAfter(highWater: string | null, overlapMs = CHAT_OVERLAP_MS): string | undefined {
  if (highWater === null) return undefined;
  const at = Date.parse(highWater);
  if (Number.isNaN(at)) return undefined;
  return new Date(at - overlapMs).toISOString();
}

/** The later of two ISO times (either may be missing or unreadable). */
export function laterOf(a: string | null | undefined, b: string | null | undefined): string | undefined {
  const x = a ? Date.parse(a) : NaN;
  const y = b ? Date.parse(b) : NaN;
  if (Number.isNaN(x)) return Number.isNaN(y) ? undefined : (b ?? undefined);
  if (Number.isNaN(y)) return a ?? undefined;
  return y > x ? (b ?? undefined) : (a ?? undefined);
}
