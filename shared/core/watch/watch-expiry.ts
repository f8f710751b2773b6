// Watch expiry from the provider's policy. Time comes from the caller's clock, which is the provider's
// notion of time (tests that move the sandbox clock pass the sandbox's).
import type { SourceRecord } from '../domain/source.js';
import type { WatchPolicy } from '../ports/watch-source.js';

/** The expiry to ask for: the provider's maximum, less its margin for clock skew. */
export function requestedExpiry(policy: WatchPolicy, source: SourceRecord, nowMs: number): string {
  return new Date(nowMs + policy.maxLifetimeMs(source) - policy.expiryMarginMs).toISOString();
}

/** Time left before `expiresAt` (ISO 8601); 0 when it does not parse. */
export function msLeft(expiresAt: string, nowMs: number): number {
  const expiresAtMs = Date.parse(expiresAt);
  return Number.isNaN(expiresAtMs) ? 0 : expiresAtMs - nowMs;
}
