// The poison queue port: where a message that can never be processed goes, with the reason, instead
// of being retried for nothing. The Storage Queue adapter is shared/adapters/azure-queues/poison-queue.ts.
export interface PoisonQueue {
  /** Keeps `raw` (the message as received) for an operator, with `reason` (never secret values). */
  send(raw: unknown, reason: string): Promise<void>;
}
