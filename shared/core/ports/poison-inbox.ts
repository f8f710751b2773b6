// The operator's side of the poison queues (docs/operations.md, "Poison queues"): what is in a
// `<queue>-poison`, and putting one message back on its queue or dropping it. The Storage Queue
// adapter is shared/adapters/azure-queues/poison-inbox.ts.

export interface PoisonedMessage {
  /** The poison queue's message id (what replay and discard name). */
  id: string;
  /** The work queue it came from. */
  queue: string;
  insertedAt: string | null;
  /** Times it was read from the poison queue (peeks do not count). */
  dequeueCount: number;
  /**
   * Why it is here: the app's reason when it refused the message itself (it could never be
   * processed), else null: the Functions host moved it after maxDequeueCount failed attempts.
   */
  reason: string | null;
  /** The message as the worker received it (parsed JSON when it is JSON, else the text). Queue messages never hold secrets. */
  message: unknown;
}

export interface PoisonInbox {
  /** Up to `max` messages (at most 32, Storage's peek limit), oldest first, and the queue's approximate length. */
  list(queue: string, max: number): Promise<{ approximateCount: number; messages: PoisonedMessage[] }>;
  /** Sends the message back to its work queue as it was first sent, then removes it from the poison queue. */
  replay(queue: string, id: string): Promise<'replayed' | 'not_found'>;
  discard(queue: string, id: string): Promise<'discarded' | 'not_found'>;
}
