// Outlook's concurrency limit: at most 4 requests in flight per app and mailbox; the fifth is
// answered 429 at once (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
// The sandbox answers synchronously, so a request counts as in flight for `latencyMs` of real time
// (0 by default, set through the mail control) before its answer is computed.
export interface MailThrottleSettings {
  maxConcurrentPerMailbox: number;
  latencyMs: number;
  /** Sent as Retry-After on a MailboxConcurrency 429. */
  retryAfterSeconds: number;
}

export function defaultMailThrottleSettings(): MailThrottleSettings {
  return { maxConcurrentPerMailbox: 4, latencyMs: 0, retryAfterSeconds: 1 };
}

export class MailboxConcurrency {
  private readonly inFlight = new Map<string, number>();
  settings = defaultMailThrottleSettings();

  reset(): void {
    this.inFlight.clear();
    this.settings = defaultMailThrottleSettings();
  }

  /** Takes a slot for app+mailbox, or returns false when all are taken (the request is refused). */
  enter(clientId: string, userId: string): boolean {
    const key = `${clientId} ${userId}`;
    const count = this.inFlight.get(key) ?? 0;
    if (count >= this.settings.maxConcurrentPerMailbox) return false;
    this.inFlight.set(key, count + 1);
    return true;
  }

  leave(clientId: string, userId: string): void {
    const key = `${clientId} ${userId}`;
    const count = (this.inFlight.get(key) ?? 1) - 1;
    if (count <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, count);
  }
}
