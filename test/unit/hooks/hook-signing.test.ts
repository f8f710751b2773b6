// Standard Webhooks signing (shared/core/hooks/hook-signing.ts), checked against the specification's
// published test vector and against the test receiver's own verifier (test/support/hook-receiver.ts),
// which recomputes the HMAC from the spec.
import { describe, expect, it } from 'vitest';
import {
  generateHookSecret,
  hookMessageId,
  signHookMessage,
  SECRET_PREFIX,
} from '../../../shared/core/hooks/hook-signing.js';
import { verifyStandardWebhook } from '../../support/hook-receiver.js';

// The vector every Standard Webhooks library tests against (secret, id, timestamp, body → signature).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('hook signing', () => {
  it('reproduces the Standard Webhooks test vector', () => {
    expect(signHookMessage(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
  });

  it('signs what an independent verifier accepts, and nothing else', () => {
    const secret = generateHookSecret();
    const body = JSON.stringify({ kbId: 'kb1', headCursor: 'g1.42' });
    const now = 1_700_000_000;
    const headers: Record<string, string> = { ...signHookMessage(secret, 'msg_1', now, body) };
    expect(verifyStandardWebhook(secret, headers, body, now)).toBe(true);
    expect(verifyStandardWebhook(secret, headers, body.replace('42', '43'), now)).toBe(false);
    expect(verifyStandardWebhook(secret, { ...headers, 'webhook-id': 'msg_2' }, body, now)).toBe(false);
    expect(verifyStandardWebhook(secret, { ...headers, 'webhook-timestamp': String(now + 1) }, body, now)).toBe(false);
    expect(verifyStandardWebhook(generateHookSecret(), headers, body, now)).toBe(false);
    // A timestamp outside the receiver's tolerance is refused although the signature matches.
    expect(verifyStandardWebhook(secret, headers, body, now + 3600)).toBe(false);
  });

  it('makes whsec_ secrets of 32 random bytes, never the same twice', () => {
    const a = generateHookSecret();
    const b = generateHookSecret();
    expect(a.startsWith(SECRET_PREFIX)).toBe(true);
    expect(Buffer.from(a.slice(SECRET_PREFIX.length), 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('gives one message id per registration and head cursor', () => {
    const id = hookMessageId('reg-1', 'kb1', 'g1.5');
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{24}$/);
    expect(hookMessageId('reg-1', 'kb1', 'g1.5')).toBe(id);
    expect(hookMessageId('reg-1', 'kb1', 'g1.6')).not.toBe(id);
    expect(hookMessageId('reg-2', 'kb1', 'g1.5')).not.toBe(id);
  });
});
