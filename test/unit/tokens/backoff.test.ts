import { describe, expect, it } from 'vitest';
import { backoffDelayMs, type BackoffPolicy } from '../../../shared/core/tokens/backoff.js';

const policy: BackoffPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 3_000 };

describe('backoffDelayMs', () => {
  it('doubles the ceiling per attempt, capped, with full jitter', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, policy, top))).toEqual([
      499, 999, 1_999, 2_999, 2_999,
    ]);
    expect(backoffDelayMs(1, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(2, policy, () => 0.5)).toBe(500);
  });

  it('stops after the last attempt', () => {
    expect(backoffDelayMs(6, policy, () => 0.5)).toBeUndefined();
  });

  it('waits at least what Retry-After asks', () => {
    expect(backoffDelayMs(1, policy, () => 0, 2_000)).toBe(2_000);
  });

  it('gives up instead of sleeping longer than the policy allows', () => {
    expect(backoffDelayMs(1, policy, () => 0, 60_000)).toBeUndefined();
  });
});
