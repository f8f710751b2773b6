// HTTP side of the webhook endpoints: the validation handshake, the body size cap, and the mapping of
// the receiver's result to a status (docs/graph-behaviour.md §3 and §4; Microsoft Graph "Receive change
// notifications through webhooks": validation answers 200 text/plain with the decoded token within
// 10 s; notifications answer 202 within 3 s, 5xx makes Graph retry).
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { problem, retryableProblem } from '../../../adapters/http/problem.js';
import { STORAGE_RETRY_AFTER_SECONDS } from '../../../adapters/http/storage-outage-answer.js';
import type { Logger } from '../../../adapters/logging/logger.js';
import type { WebhookKind, WebhookReceiver } from './webhook-receiver.js';

/** Graph's validation tokens are short opaque strings; anything longer is not Graph. */
export const MAX_VALIDATION_TOKEN_LENGTH = 1_024;

/** Headers that keep a browser from ever treating an echoed token as HTML or script. */
const PLAIN_TEXT_HEADERS = {
  'content-type': 'text/plain; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cache-control': 'no-store',
};

export async function handleWebhookRequest(
  request: HttpRequest,
  kind: WebhookKind,
  receiver: WebhookReceiver,
  maxBodyBytes: number,
  log: Logger,
): Promise<HttpResponseInit> {
  // URLSearchParams has already URL-decoded it, which is what Graph expects echoed back.
  const validationToken = request.query.get('validationToken');
  if (validationToken !== null) {
    if (validationToken.length === 0 || validationToken.length > MAX_VALIDATION_TOKEN_LENGTH) {
      return problem(
        400,
        'Invalid validation token',
        `a validation token has 1 to ${MAX_VALIDATION_TOKEN_LENGTH} characters`,
      );
    }
    return { status: 200, headers: PLAIN_TEXT_HEADERS, body: validationToken };
  }

  const body = await readBodyWithLimit(request, maxBodyBytes);
  if (body.kind === 'too-large') return problem(413, 'Payload too large', `the body exceeds ${maxBodyBytes} bytes`);

  const result = await receiver.receive(kind, body.text, log);
  switch (result.kind) {
    case 'accepted':
      return { status: 202 };
    case 'invalid-json':
      return problem(400, 'Invalid JSON', 'the body is not valid JSON');
    case 'wrong-shape':
      return problem(400, 'Invalid notification payload', result.detail);
    case 'enqueue-failed':
      // 5xx so that Graph delivers the notifications again later.
      return retryableProblem(
        503,
        'Temporarily unavailable',
        STORAGE_RETRY_AFTER_SECONDS,
        'the notifications could not be queued; retry later',
      );
    case 'keys-unavailable':
      // The validation tokens could not be checked yet (the authority's keys are unreadable): Graph retries.
      return retryableProblem(
        503,
        'Temporarily unavailable',
        STORAGE_RETRY_AFTER_SECONDS,
        'the notifications could not be verified; retry later',
      );
  }
}

export type LimitedBody = { kind: 'read'; text: string } | { kind: 'too-large' };

/** Reads the body as UTF-8, stopping as soon as it exceeds `maxBytes` (the host's own limit is far larger). */
export async function readBodyWithLimit(request: HttpRequest, maxBytes: number): Promise<LimitedBody> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return { kind: 'too-large' };
  if (!request.body) return { kind: 'read', text: '' };
  const chunks: Uint8Array[] = [];
  let total = 0;
  // A web ReadableStream is async-iterable in Node; leaving the loop early cancels the stream.
  for await (const chunk of request.body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) return { kind: 'too-large' };
    chunks.push(chunk);
  }
  return { kind: 'read', text: Buffer.concat(chunks).toString('utf8') };
}
