// Parses a queue message with zod; one that does not parse goes straight to the poison queue (it
// would fail the same way maxDequeueCount times, docs/invariants.md, invariant 7), with issue paths and
// messages only, never the values.
import type { z } from 'zod';
import type { Logger } from '../ports/logger.js';
import type { PoisonQueue } from '../ports/poison-queue.js';
import { describeIssues, issuesLine } from '../validation/describe-issues.js';

export async function parseOrPoison<T>(
  schema: z.ZodType<T>,
  raw: unknown,
  target: { poisonQueue: PoisonQueue; log: Logger; what: string },
): Promise<{ ok: true; value: T } | { ok: false }> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = issuesLine(describeIssues(parsed.error));
  await target.poisonQueue.send(raw, `not a ${target.what} message: ${issues}`);
  target.log.warn(`${target.what}.rejected`, { issues });
  return { ok: false };
}
