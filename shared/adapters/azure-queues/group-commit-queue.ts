// Group commit for webhook enqueues: while a few sends are in flight, new messages wait and go out
// together as one queue message. At low load every message is sent at once (no added latency); under
// load, batches form by themselves, so a burst of Graph POSTs costs far fewer storage operations than
// requests, and acknowledgement latency stays flat where one enqueue per request would queue up
// behind the storage account's throughput. Each caller's promise settles when its batch is durably
// queued (or failed), so a webhook still answers 202 only after its notifications are stored.
export interface GroupCommitOptions {
  /** Items per queue message (each item is ~150 bytes; a queue message holds 64 KB). */
  maxBatch?: number;
  /** Sends in flight at once. */
  maxInFlight?: number;
}

interface Waiter<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class GroupCommitQueue<T> {
  private waiting: Waiter<T>[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly sendBatch: (items: T[]) => Promise<void>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 100;
    this.maxInFlight = options.maxInFlight ?? 8;
  }

  /** Resolves once the items are queued; rejects if their batch could not be sent. */
  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const settled = items.map(
      (item) => new Promise<void>((resolve, reject) => this.waiting.push({ item, resolve, reject })),
    );
    this.pump();
    return Promise.all(settled).then(() => undefined);
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight += 1;
      this.sendBatch(batch.map((waiter) => waiter.item))
        .then(
          () => batch.forEach((waiter) => waiter.resolve()),
          (error: unknown) => batch.forEach((waiter) => waiter.reject(error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
