// The POST of a push (core/hooks/hook-delivery.ts) over node:http / node:https, connected to the
// address the target policy checked and to nothing else: the request's `lookup` answers that address
// for the host name, so a DNS answer that changed since the check (rebinding) is never used. TLS
// still verifies the certificate against the host name (SNI and the check use the URL's host).
// Redirects are not followed (a 3xx is a failed delivery), the answer's body is read and dropped
// (at most 64 KiB), and the whole exchange is bounded by the timeout.
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { HookPostOutcome, HookTransport } from '../../core/ports/hook-ports.js';
import type { AddressResolver, CheckedTarget, ResolvedAddress } from '../../core/hooks/hook-target-policy.js';

const MAX_ANSWER_BYTES = 64 * 1024;

/** Every A and AAAA answer of the system resolver (what a connection would use). */
export const systemResolver: AddressResolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer): ResolvedAddress => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

/** Retry-After in ms: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
}

export class NodeHookTransport implements HookTransport {
  constructor(private readonly options: { now?: () => number } = {}) {}

  post(
    target: CheckedTarget,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<HookPostOutcome> {
    const client = target.url.protocol === 'https:' ? https : http;
    const payload = Buffer.from(body, 'utf8');
    return new Promise<HookPostOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: HookPostOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const request = client.request(
        target.url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(payload.length) },
          lookup: pinnedLookup(target.address),
          agent: false,
        },
        (response) => {
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_ANSWER_BYTES) response.destroy();
          });
          const answered = () =>
            settle({
              kind: 'answered',
              status: response.statusCode ?? 0,
              retryAfterMs: parseRetryAfter(response.headers['retry-after'], (this.options.now ?? Date.now)()),
            });
          response.on('end', answered);
          response.on('close', answered);
          response.on('error', answered);
        },
      );
      const timer = setTimeout(() => {
        settle({ kind: 'timeout' });
        request.destroy();
      }, timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) =>
        settle({ kind: 'network', detail: error.code ?? error.message }),
      );
      request.end(payload);
    });
  }
}
