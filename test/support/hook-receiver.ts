// A host's push receiver for tests: an HTTP server on 127.0.0.1 that verifies every request the
// Standard Webhooks way, written from the spec and not from the app's signing code
// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
// "Verifying webhook authenticity"): HMAC-SHA256 keyed with the base64 bytes after whsec_, over
// `${id}.${timestamp}.${body}`, compared in constant time against each space-separated v1 entry, and a
// timestamp within five minutes. It answers with a scripted status per request (or hangs).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TOLERANCE_SECONDS = 5 * 60;

export function verifyStandardWebhook(
  secret: string,
  headers: IncomingHttpHeaders,
  body: string,
  nowSeconds = Date.now() / 1000,
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  if (!secret.startsWith('whsec_')) return false;
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${id}.${timestamp}.${body}`)
    .digest();
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface ReceivedPush {
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the signature verified with the receiver's secret at the time it arrived. */
  verified: boolean;
}

/** What to answer: a status (with optional headers), or 'hang' to never answer. */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

export interface HookReceiver {
  url: string;
  received: ReceivedPush[];
  /** The secret requests are verified with (the one the PUT answered). */
  secret: string;
  /** Answers for the next requests, in order; after them, `fallback`. */
  script(answers: Answer[], fallback?: Answer): void;
  stop(): Promise<void>;
}

export async function startHookReceiver(path = '/kb-sync/push'): Promise<HookReceiver> {
  let queue: Answer[] = [];
  let fallback: Answer = { status: 204 };
  const hanging = new Set<ServerResponse>();
  const receiver: HookReceiver = {
    url: '',
    received: [],
    secret: '',
    script(answers, otherwise = { status: 204 }) {
      queue = [...answers];
      fallback = otherwise;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      receiver.received.push({
        headers: request.headers,
        body,
        verified: verifyStandardWebhook(receiver.secret, request.headers, body),
      });
      const answer = queue.shift() ?? fallback;
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      response.writeHead(request.url === path ? answer.status : 404, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}
