// A Graph transport whose requests first wait at a gate keyed by what Graph throttles them by: a
// mailbox for Outlook (mail/mailbox-gate.ts: at most 4 in flight), a channel or chat for Teams
// (teams/thread-gate.ts: at most one request a second). A request holds what the gate gave it until
// its body is read, fails or is cancelled, since Graph counts a request in flight until then.
import type { SourceKey, SourceRecord } from '../../../core/domain/source.js';
import type { FailureTarget } from './graph-failure.js';
import { failureFrom, type GraphCall, type GraphTransport } from './graph-transport.js';

/** Waits for a turn of a key; the function returned gives it back (calling it twice does nothing). */
export interface RequestGate {
  acquire(key: string): Promise<() => void>;
}

/** The gate key of one request; undefined: the request passes without waiting. */
export type GateKeyOf = (source: SourceKey | SourceRecord, call: GraphCall) => string | undefined;

/** What a provider's operations call Graph through. */
export type LimitedTransport = Pick<GatedTransport, 'send' | 'sendOk' | 'isGraphUrl' | 'graphOrigin'>;

/** A body nobody reads or cancels gives its turn back after this long, so a turn can never leak. */
const MAX_HOLD_MS = 10 * 60_000;

export class GatedTransport {
  constructor(
    private readonly transport: GraphTransport,
    private readonly gate: RequestGate,
    private readonly keyOf: GateKeyOf,
  ) {}

  get graphOrigin(): string {
    return this.transport.graphOrigin;
  }

  isGraphUrl(url: string): boolean {
    return this.transport.isGraphUrl(url);
  }

  async send(source: SourceKey | SourceRecord, call: GraphCall, what: string): Promise<Response> {
    const key = this.keyOf(source, call);
    if (key === undefined) return this.transport.send(source, call, what);
    const release = await this.gate.acquire(key);
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

/** The same response, whose body gives the turn back when it ends, fails or is cancelled. */
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
