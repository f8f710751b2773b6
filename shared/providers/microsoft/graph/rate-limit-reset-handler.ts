// A Graph client middleware for the one thing its RetryHandler does not do: honour `RateLimit-Reset`
// when it is larger than `Retry-After` (docs/graph-behaviour.md §5). It sits between the RetryHandler and
// the network and, on a retryable response, rewrites Retry-After to the larger value, so the
// RetryHandler's own wait (and its 3 attempts, 180 s cap) stays the single retry loop.
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { parseRateLimitResetSeconds, parseRetryAfterSeconds } from './retry-after.js';

/** The status codes the Graph client's RetryHandler retries (RetryHandler.RETRY_STATUS_CODES). */
export const CLIENT_RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/**
 * The Retry-After value to hand to the RetryHandler, or undefined to leave the response as it is
 * (RateLimit-Reset absent, unreadable, or not larger).
 */
export function widenedRetryAfter(
  retryAfter: string | null,
  rateLimitReset: string | null,
  nowMs: number = Date.now(),
): string | undefined {
  const reset = parseRateLimitResetSeconds(rateLimitReset);
  if (reset === undefined) return undefined;
  const current = parseRetryAfterSeconds(retryAfter, nowMs);
  if (current !== undefined && current >= reset) return undefined;
  return String(reset);
}

export class RateLimitResetHandler implements Middleware {
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('RateLimitResetHandler has no next middleware');
    await this.next.execute(context);
    const response = context.response;
    if (!response || !CLIENT_RETRIED_STATUSES.has(response.status)) return;
    const widened = widenedRetryAfter(response.headers.get('retry-after'), response.headers.get('ratelimit-reset'));
    if (widened === undefined) return;
    // fetch's Response headers are immutable: rebuild the response around the same body stream.
    const headers = new Headers(response.headers);
    headers.set('retry-after', widened);
    const replacement = new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
    // The RedirectHandler and our callers read `url`; a constructed Response has none of its own.
    Object.defineProperty(replacement, 'url', { value: response.url });
    context.response = replacement;
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
