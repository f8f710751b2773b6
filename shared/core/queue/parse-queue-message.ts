// Parses a queue message with zod; one that does not parse goes straight to the poison queue (it
// would fail the same way maxDequeueCount times, design.md invariant 7), with issue paths and
// messages only, never the values.
import type { QueueClient } from '@azure/storage-queue';
import type { z } from 'zod';
import { describeIssues } from '../../adapters/http/request-parsing.js';
import type { Logger } from '../../adapters/logging/logger.js';
import { sendToPoison } from '../../adapters/azure-queues/queue-writer.js';

export async function parseOrPoison<T>(
  schema: z.ZodType<T>,
  raw: unknown,
  target: { poisonQueue: QueueClient; log: Logger; what: string },
): Promise<{ ok: true; value: T } | { ok: false }> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = describeIssues(parsed.error)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
  await sendToPoison(target.poisonQueue, raw, `not a ${target.what} message: ${issues}`);
  target.log.warn(`${target.what}.rejected`, { issues });
  return { ok: false };
}
