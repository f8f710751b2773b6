// Standard Webhooks signing (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
// the signed content is `${webhook-id}.${webhook-timestamp}.${body}`, the signature HMAC-SHA256 with
// the secret's bytes (the base64 after the `whsec_` prefix), sent as `v1,<base64>` in
// `webhook-signature`. The timestamp is unix seconds, so a receiver can refuse old or replayed
// messages; the id is the same for every attempt of one message, so it can drop repeats.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
/** The spec asks for 24 to 64 bytes of secret. */
const SECRET_BYTES = 32;

export function generateHookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('not a whsec_ secret');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signHookMessage(secret: string, id: string, timestampSeconds: number, body: string): SignedHeaders {
  const timestamp = String(Math.floor(timestampSeconds));
  const signature = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

/**
 * The message id of a push: one per (registration, head cursor), so every retry of the same
 * notification carries the same id and a newer head gets a new one.
 */
export function hookMessageId(registrationId: string, kbId: string, headCursor: string): string {
  const digest = createHash('sha256').update(`kb-sync hook\0${registrationId}\0${kbId}\0${headCursor}`).digest();
  return `msg_${digest.subarray(0, 18).toString('base64url')}`;
}
