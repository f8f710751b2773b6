// The 409 of GET /api/kbs/{kbId}/changes for a cursor the feed cannot continue from (docs/api.md, "When the
// feed was reset"): what the host needs to restart, as a problem with its own `type` hosts branch on.
import type { HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { ReadFeedResult } from '../../core/feed/read-feed.js';
import { problem, problemDetailsSchema } from './problem.js';

/** The problem `type` of a cursor the feed cannot continue from. */
export const CURSOR_NOT_IN_FEED = 'urn:kb-sync:problem:cursor-not-in-feed';

const RESTART =
  'Re-read from your last cursor of the current generation that is not beyond headCursor, or from the start (after empty); drop events whose eventId you already applied.';

export const cursorNotInFeedProblemSchema = problemDetailsSchema
  .extend({
    type: z.literal(CURSOR_NOT_IN_FEED),
    status: z.literal(409),
    reason: z.enum(['other-generation', 'beyond-head']),
    generation: z.string().nullable().describe("The feed's current generation"),
    headCursor: z.string().describe('The newest cursor of the feed as it is now'),
  })
  .describe('The cursor is not in this feed (another generation, or beyond its newest event)');
type Extensions = Omit<z.infer<typeof cursorNotInFeedProblemSchema>, 'title' | 'status' | 'detail'>;

export function cursorNotInFeedProblem(
  result: Extract<ReadFeedResult, { kind: 'cursor_not_in_feed' }>,
): HttpResponseInit {
  const why =
    result.reason === 'other-generation'
      ? 'The cursor is from another generation of this feed: its storage was reset and sequence numbers started again.'
      : 'The cursor is beyond the newest event of this feed: storage lost its last writes and those numbers may be issued again.';
  const extensions = {
    type: CURSOR_NOT_IN_FEED,
    reason: result.reason,
    generation: result.generation ?? null,
    headCursor: result.headCursor,
  } satisfies Extensions;
  return problem(409, 'the cursor is not in this feed', `${why} ${RESTART}`, extensions);
}
