// At most N requests in flight per mailbox from this instance. Outlook allows 4 concurrent requests
// per app and mailbox and answers the fifth 429 MailboxConcurrency
// (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits); a source's sync asks
// one request at a time, but downloads a host makes in parallel, or several sources of one mailbox,
// would pass the limit. A request holds its slot until its body is read or cancelled, since Outlook
// counts it as in flight until then. Instances do not share slots (the shared budget is issue 16).
import type { SourceKey, SourceRecord } from '../../../core/domain/source.js';
import type { GraphCall, GraphTransport } from '../graph/graph-transport.js';
import type { FailureTarget } from '../graph/graph-failure.js';
import { failureFrom } from '../graph/graph-transport.js';

/** Outlook's documented limit. */
export const OUTLOOK_MAX_CONCURRENT_PER_MAILBOX = 4;
/** A body nobody reads or cancels gives its slot back after this long, so a slot can never leak. */
const MAX_HOLD_MS = 10 * 60_000;

export class MailboxGate {
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
export type MailTransport = Pick<MailboxLimitedTransport, 'send' | 'sendOk' | 'isGraphUrl' | 'graphOrigin'>;

/** The Graph transport for mail calls: each request waits for a slot of its mailbox. */
export class MailboxLimitedTransport {
  constructor(
    private readonly transport: GraphTransport,
    private readonly gate: MailboxGate,
    /** The mailbox a source reads; discovery, before a source record exists, has none yet. */
    private readonly mailboxOf: (source: SourceRecord) => string,
  ) {}

  get graphOrigin(): string {
    return this.transport.graphOrigin;
  }

  isGraphUrl(url: string): boolean {
    return this.transport.isGraphUrl(url);
  }

  async send(source: SourceKey | SourceRecord, call: GraphCall, what: string): Promise<Response> {
    const mailbox =
      'resolvedLocation' in source ? this.mailboxOf(source) : `discovery:${source.kbId}/${source.sourceId}`;
    const release = await this.gate.acquire(mailbox);
    let response: Response;
    try {
      response = await this.transport.send(source, call, what);
    } catch (error) {
      release();
      throw error;
    }
    return holdUntilBodyEnds(response, release);
  }

  async sendOk(source: SourceKey | SourceRecord, call: GraphCall, target: FailureTarget): Promise<Response> {
    const response = await this.send(source, call, target.what);
    if (!response.ok) throw await failureFrom(response, target);
    return response;
  }
}

/** The same response, whose body gives the slot back when it ends, fails or is cancelled. */
function holdUntilBodyEnds(response: Response, release: () => void): Response {
  if (response.body === null) {
    release();
    return response;
  }
  const reader: ReadableStreamDefaultReader<Uint8Array> = (response.body as ReadableStream<Uint8Array>).getReader();
  const timer = setTimeout(release, MAX_HOLD_MS);
  timer.unref();
  const done = () => {
    clearTimeout(timer);
    release();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = (await reader.read()) as { done: boolean; value?: Uint8Array };
        if (chunk.done) {
          done();
          controller.close();
        } else if (chunk.value) controller.enqueue(chunk.value);
      } catch (error) {
        done();
        controller.error(error);
      }
    },
    async cancel(reason) {
      done();
      await reader.cancel(reason);
    },
  });
  const wrapped = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // `url` is read by callers resolving relative links; a constructed Response has none of its own.
  Object.defineProperty(wrapped, 'url', { value: response.url });
  return wrapped;
}
