// Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog):
// the delay before retry n is uniform in [0, min(max, base * 2^(n-1))], so instances that failed
// together do not retry together. A server's Retry-After is honoured as a floor.

export interface BackoffPolicy {
  /** Total attempts, the first one included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_TOKEN_BACKOFF: BackoffPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Delay before the retry that follows failed attempt `attempt` (1-based), or undefined when no retry
 * is left or the server asks for a wait longer than the policy allows (the caller gives up and lets
 * its queue retry later instead of holding a lease while it sleeps).
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  retryAfterMs?: number,
): number | undefined {
  if (attempt >= policy.attempts) return undefined;
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxDelayMs) return undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}
