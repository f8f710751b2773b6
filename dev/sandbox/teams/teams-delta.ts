// chatMessage: delta for a channel (https://learn.microsoft.com/graph/api/chatmessage-delta):
// root posts only ("without the replies"); a round of @odata.nextLink pages ($skiptoken) ends with an
// @odata.deltaLink ($deltatoken); tokens are opaque (signed, bound to the channel). A root post is
// reported when anything in its reply chain changed since the last round: an edit, a reaction, a soft
// delete (the post comes back with deletedDateTime set) or a new or changed reply (the page's $filter
// example returns "any reply chain (each channel post message and associated reply messages) created
// or changed after the specified date time"). Posts created more than eight months ago are never
// returned ("Delta will only return messages within the last eight months").
import { z } from 'zod';
import type { SignedTokenCodec } from '../state/signed-token.js';
import { invalidToken } from './teams-errors.js';
import type { ChannelRecord, ChatMessageRecord } from './teams-model.js';

/** The sandbox's page size when the request has no $top (the page documents only the maximum, 50). */
export const DEFAULT_DELTA_PAGE_SIZE = 20;
export const DELTA_REACH_BACK_MONTHS = 8;

const cursorSchema = z.object({
  k: z.enum(['skip', 'delta']),
  t: z.string(),
  c: z.string(),
  /** Chain sequences in (since, upTo] belong to this round; `after` is the last one returned. */
  since: z.number().int(),
  upTo: z.number().int(),
  after: z.number().int(),
  top: z.number().int(),
  gt: z.number().nullable(),
});
type Cursor = z.infer<typeof cursorSchema>;

export interface DeltaPage {
  messages: ChatMessageRecord[];
  nextToken?: string;
  deltaToken?: string;
}

/** The oldest createdDateTime delta still returns: eight calendar months before now. */
export function reachBackCutoff(now: number): number {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - DELTA_REACH_BACK_MONTHS);
  return cutoff.getTime();
}

export class ChannelDelta {
  constructor(private readonly codec: SignedTokenCodec) {}

  /** A first request: the whole channel (within reach), optionally from `gt` on. */
  start(channel: ChannelRecord, currentSequence: number, top: number | undefined, gt: number | undefined): Cursor {
    return {
      k: 'skip',
      t: channel.teamId,
      c: channel.id,
      since: 0,
      upTo: currentSequence,
      after: 0,
      top: top ?? DEFAULT_DELTA_PAGE_SIZE,
      gt: gt ?? null,
    };
  }

  /** A $skiptoken or $deltatoken of this channel; a forged, edited or foreign one is refused. */
  resume(channel: ChannelRecord, kind: 'skip' | 'delta', token: string, currentSequence: number): Cursor {
    const parsed = cursorSchema.safeParse(this.codec.decode(token));
    if (!parsed.success || parsed.data.k !== kind || parsed.data.t !== channel.teamId || parsed.data.c !== channel.id)
      throw invalidToken();
    // A deltaLink starts a new round: everything changed after it, up to now.
    return kind === 'delta'
      ? { ...parsed.data, k: 'skip', upTo: currentSequence, after: parsed.data.since }
      : parsed.data;
  }

  page(channel: ChannelRecord, cursor: Cursor, now: number): DeltaPage {
    const cutoff = reachBackCutoff(now);
    const candidates = [...channel.messages.values()]
      .filter((message) => message.replyToId === null)
      .filter((root) => root.chainSequence > cursor.since && root.chainSequence <= cursor.upTo)
      .filter((root) => root.chainSequence > cursor.after)
      .filter((root) => root.createdAt >= cutoff)
      .filter((root) => cursor.gt === null || chainModifiedAt(channel, root) > cursor.gt)
      .sort((a, b) => a.chainSequence - b.chainSequence);
    const messages = candidates.slice(0, cursor.top);
    if (candidates.length > cursor.top) {
      const next: Cursor = { ...cursor, after: messages[messages.length - 1]!.chainSequence };
      return { messages, nextToken: this.codec.encode(next) };
    }
    const delta: Cursor = { ...cursor, k: 'delta', since: cursor.upTo, after: cursor.upTo, gt: null };
    return { messages, deltaToken: this.codec.encode(delta) };
  }
}

/** The latest lastModifiedDateTime in the post's reply chain (the post and its replies). */
function chainModifiedAt(channel: ChannelRecord, root: ChatMessageRecord): number {
  let latest = root.lastModifiedAt;
  for (const message of channel.messages.values())
    if (message.replyToId === root.id) latest = Math.max(latest, message.lastModifiedAt);
  return latest;
}
