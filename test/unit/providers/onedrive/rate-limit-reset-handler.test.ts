import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import {
  RateLimitResetHandler,
  widenedRetryAfter,
} from '../../../../shared/providers/microsoft/graph/rate-limit-reset-handler.js';
import {
  parseRetryAfterSeconds,
  requestedWaitSeconds,
} from '../../../../shared/providers/microsoft/graph/retry-after.js';

describe('widenedRetryAfter', () => {
  it('uses RateLimit-Reset when it is larger than Retry-After', () => {
    expect(widenedRetryAfter('2.128', '10')).toBe('10');
  });
  it('keeps Retry-After when it is larger or equal', () => {
    expect(widenedRetryAfter('12', '10')).toBeUndefined();
    expect(widenedRetryAfter('10', '10')).toBeUndefined();
  });
  it('uses RateLimit-Reset when Retry-After is absent', () => {
    expect(widenedRetryAfter(null, '4')).toBe('4');
  });
  it('ignores an absent or unreadable RateLimit-Reset', () => {
    expect(widenedRetryAfter('3', null)).toBeUndefined();
    expect(widenedRetryAfter('3', 'soon')).toBeUndefined();
    expect(widenedRetryAfter('3', '-1')).toBeUndefined();
  });
  it('compares against an HTTP-date Retry-After', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(widenedRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', '10', now)).toBeUndefined();
    expect(widenedRetryAfter('Mon, 23 Nov 2026 10:00:05 GMT', '10', now)).toBe('10');
  });
});

describe('retry-after parsing', () => {
  it('reads fractional seconds and dates, never negative', () => {
    expect(parseRetryAfterSeconds('2.128')).toBe(2.128);
    expect(parseRetryAfterSeconds('Mon, 23 Nov 2026 09:59:00 GMT', Date.parse('2026-11-23T10:00:00Z'))).toBe(0);
    expect(parseRetryAfterSeconds('')).toBeUndefined();
    expect(requestedWaitSeconds(new Headers({ 'retry-after': '1', 'ratelimit-reset': '5' }))).toBe(5);
    expect(requestedWaitSeconds(new Headers())).toBeUndefined();
  });
});

/** A terminal middleware that answers with a fixed response: pure logic, no network. */
function answering(response: Response): Middleware {
  return {
    execute: (context: Context) => {
      context.response = response;
      return Promise.resolve();
    },
  };
}

async function run(response: Response): Promise<Response | undefined> {
  const handler = new RateLimitResetHandler();
  handler.setNext(answering(response));
  const context: Context = { request: 'https://graph.microsoft.com/v1.0/me', options: {} };
  await handler.execute(context);
  return context.response;
}

describe('RateLimitResetHandler', () => {
  it('rewrites Retry-After of a 429 to the larger RateLimit-Reset and keeps the body', async () => {
    const out = await run(
      new Response('{"error":{"code":"TooManyRequests"}}', {
        status: 429,
        headers: { 'retry-after': '1', 'ratelimit-reset': '6', 'content-type': 'application/json' },
      }),
    );
    expect(out?.status).toBe(429);
    expect(out?.headers.get('retry-after')).toBe('6');
    expect(await out?.text()).toContain('TooManyRequests');
  });

  it('leaves a 200 and a 429 without RateLimit-Reset untouched', async () => {
    const ok = new Response('{}', { status: 200, headers: { 'ratelimit-reset': '60' } });
    expect(await run(ok)).toBe(ok);
    const throttled = new Response('', { status: 429, headers: { 'retry-after': '2' } });
    expect(await run(throttled)).toBe(throttled);
  });

  it('does not touch statuses the RetryHandler does not retry (500)', async () => {
    const failed = new Response('', { status: 500, headers: { 'ratelimit-reset': '60' } });
    expect(await run(failed)).toBe(failed);
  });
});
