// Poison-queue operations (functions/poison-*.ts, `npm run poison`; docs/operations.md): list,
// replay and discard the messages of a work queue's `<queue>-poison`. Only the app's own work
// queues are named: anything else is unknown, so no route can reach another queue of the account.
import { z } from 'zod';
import type { PoisonInbox, PoisonedMessage } from '../ports/poison-inbox.js';

export const MAX_LISTED_POISON_MESSAGES = 32;

export type PoisonQueueResult<T> = { kind: 'unknown_queue' } | { kind: 'ok'; value: T };

export interface PoisonOperations {
  summary(): Promise<Array<{ queue: string; approximateCount: number }>>;
  list(
    queue: string,
    max?: number,
  ): Promise<PoisonQueueResult<{ approximateCount: number; messages: PoisonedMessage[] }>>;
  replay(queue: string, id: string): Promise<PoisonQueueResult<'replayed' | 'not_found'>>;
  discard(queue: string, id: string): Promise<PoisonQueueResult<'discarded' | 'not_found'>>;
}

export function poisonOperations(inbox: PoisonInbox, queues: readonly string[]): PoisonOperations {
  const known = (queue: string) => queues.includes(queue);
  const guarded = async <T>(queue: string, run: () => Promise<T>): Promise<PoisonQueueResult<T>> =>
    known(queue) ? { kind: 'ok', value: await run() } : { kind: 'unknown_queue' };
  return {
    summary: () =>
      Promise.all(
        queues.map(async (queue) => ({ queue, approximateCount: (await inbox.list(queue, 0)).approximateCount })),
      ),
    list: (queue, max = MAX_LISTED_POISON_MESSAGES) =>
      guarded(queue, () => inbox.list(queue, Math.min(Math.max(max, 1), MAX_LISTED_POISON_MESSAGES))),
    replay: (queue, id) => guarded(queue, () => inbox.replay(queue, id)),
    discard: (queue, id) => guarded(queue, () => inbox.discard(queue, id)),
  };
}

// The answers of the poison routes (functions/poison-*.ts), for the OpenAPI document.
export const poisonSummaryBodySchema = z
  .object({
    queues: z.array(z.object({ queue: z.string(), approximateCount: z.number().int().min(0) })),
  })
  .describe("Each work queue and how many messages its poison queue holds (Storage's approximate count)");

export const poisonedMessageSchema = z.object({
  id: z.string().describe('What replay and discard name'),
  queue: z.string().describe('The work queue it came from'),
  insertedAt: z.string().nullable(),
  dequeueCount: z.number().int().min(0),
  reason: z
    .string()
    .nullable()
    .describe('Why the app refused it; null when the host moved it after maxDequeueCount failed attempts'),
  message: z.unknown().describe('The message as the worker received it (never secrets)'),
});

export const poisonListBodySchema = z
  .object({
    queue: z.string(),
    approximateCount: z.number().int().min(0),
    messages: z.array(poisonedMessageSchema).describe('The oldest messages, at most `limit` (32 at most)'),
  })
  .describe("A work queue's poison messages");

export const poisonReplayedBodySchema = z.object({
  queue: z.string(),
  messageId: z.string(),
  replayed: z.literal(true),
});
