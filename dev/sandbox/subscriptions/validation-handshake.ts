// The subscription validation handshake (docs/graph-behaviour.md §3; webhook-receiver-validation-request.md):
// POST {url}?validationToken=<URL-encoded token>, text/plain, empty body; the endpoint must answer
// 200, text/plain, with the decoded token as its whole body, within 10 s.
import { randomBytes, randomUUID } from 'node:crypto';
import { postToWebhook } from './notification-post.js';
import { withQueryParameter } from './loopback-url.js';

export type HandshakeResult = { ok: true } | { ok: false; message: string };

export const VALIDATION_MISMATCH_MESSAGE =
  'Subscription validation request failed. Response must exactly match validationToken query parameter.';
export const VALIDATION_TIMEOUT_MESSAGE = 'Subscription validation request timed out.';
export const VALIDATION_FAILED_MESSAGE =
  'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.';

/**
 * Shaped like Graph's tokens (spaces, colons) plus characters that only survive correct decoding
 * ('+', '/', '=', '&'), so a receiver that echoes the raw or half-decoded value fails.
 */
export function newValidationToken(): string {
  return `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()} ${randomBytes(9).toString('base64')}&+/=`;
}

export async function runValidationHandshake(url: string, timeoutMs: number): Promise<HandshakeResult> {
  const token = newValidationToken();
  const result = await postToWebhook(withQueryParameter(url, 'validationToken', token), {
    body: '',
    contentType: 'text/plain; charset=utf-8',
    timeoutMs,
  });
  if (result.timedOut) return { ok: false, message: VALIDATION_TIMEOUT_MESSAGE };
  if (result.status !== 200) return { ok: false, message: VALIDATION_FAILED_MESSAGE };
  const isPlainText = (result.contentType ?? '').toLowerCase().startsWith('text/plain');
  if (!isPlainText || result.body !== token) return { ok: false, message: VALIDATION_MISMATCH_MESSAGE };
  return { ok: true };
}
