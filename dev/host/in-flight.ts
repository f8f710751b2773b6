// Counts running invocations so that stop() can wait for them (graceful shutdown) and the queue
// poller can tell when to fetch its next batch.

export class InFlight {
  #running = new Set<Promise<unknown>>();
  #waiters: Array<() => void> = [];

  get count(): number {
    return this.#running.size;
  }

  /** Tracks the work until it settles; the returned promise never rejects. */
  track(work: Promise<unknown>): Promise<void> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#running.add(settled);
    void settled.then(() => {
      this.#running.delete(settled);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    return settled;
  }

  /** Resolves the next time any tracked work settles (immediately when nothing runs). */
  async oneSettled(): Promise<void> {
    if (this.#running.size === 0) return;
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  async allSettled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
