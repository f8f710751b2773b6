// At most N requests in flight per mailbox from this instance. Outlook allows 4 concurrent requests
// per app and mailbox and answers the fifth 429 MailboxConcurrency
// (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits); a source's sync asks
// one request at a time, but downloads a host makes in parallel, or several sources of one mailbox,
// would pass the limit. A request holds its slot until its body is read or cancelled
// (graph/gated-transport.ts), since Outlook counts it as in flight until then. Instances do not share slots (the shared budget is issue 16).
import type { SourceRecord } from '../../../core/domain/source.js';
import type { GraphTransport } from '../graph/graph-transport.js';
import { GatedTransport, type LimitedTransport, type RequestGate } from '../graph/gated-transport.js';

/** Outlook's documented limit. */
export const OUTLOOK_MAX_CONCURRENT_PER_MAILBOX = 4;
export class MailboxGate implements RequestGate {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly limit = OUTLOOK_MAX_CONCURRENT_PER_MAILBOX) {}

  /** Waits for a slot of the mailbox; the function returned gives it back (once). */
  async acquire(mailbox: string): Promise<() => void> {
    if ((this.active.get(mailbox) ?? 0) >= this.limit) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(mailbox) ?? [];
        queue.push(resolve);
        this.waiting.set(mailbox, queue);
      });
    } else {
      this.active.set(mailbox, (this.active.get(mailbox) ?? 0) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.get(mailbox)?.shift();
      // The slot passes straight to the next waiter; otherwise it is freed.
      if (next) next();
      else {
        const count = (this.active.get(mailbox) ?? 1) - 1;
        if (count > 0) this.active.set(mailbox, count);
        else this.active.delete(mailbox);
      }
    };
  }

  inFlight(mailbox: string): number {
    return this.active.get(mailbox) ?? 0;
  }
}

/** What the mail provider's operations call Graph through. */
export type MailTransport = LimitedTransport;

/** The Graph transport for mail calls: each request waits for a slot of its mailbox. */
export class MailboxLimitedTransport extends GatedTransport {
  constructor(
    transport: GraphTransport,
    gate: MailboxGate,
    /** The mailbox a source reads; discovery, before a source record exists, has none yet. */
    mailboxOf: (source: SourceRecord) => string,
  ) {
    super(transport, gate, (source) =>
      'resolvedLocation' in source ? mailboxOf(source) : `discovery:${source.kbId}/${source.sourceId}`,
    );
  }
}
