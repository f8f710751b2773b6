// How long Graph asks us to wait. Graph sends `Retry-After` (seconds, possibly fractional, or an
// HTTP date) and, best effort, `RateLimit-Reset` (seconds); we honour the larger
// (docs/graph-behaviour.md §5, Microsoft "throttling" guidance).

/** Parses a Retry-After value into seconds (never negative), or undefined when absent or unreadable. */
export function parseRetryAfterSeconds(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - nowMs) / 1000);
}

/** Parses RateLimit-Reset (delta seconds only, per the IETF RateLimit header draft Graph follows). */
export function parseRateLimitResetSeconds(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** The wait Graph asks for: the larger of Retry-After and RateLimit-Reset, or undefined if neither. */
export function requestedWaitSeconds(
  headers: { get(name: string): string | null },
  nowMs: number = Date.now(),
): number | undefined {
  const retryAfter = parseRetryAfterSeconds(headers.get('retry-after'), nowMs);
  const reset = parseRateLimitResetSeconds(headers.get('ratelimit-reset'));
  if (retryAfter === undefined) return reset;
  if (reset === undefined) return retryAfter;
  return Math.max(retryAfter, reset);
}
