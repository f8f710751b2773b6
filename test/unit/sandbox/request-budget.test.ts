// Throttling arithmetic (docs/graph-behaviour.md §5) on an explicit clock.
import { describe, expect, it } from 'vitest';
import { RequestBudget } from '../../../dev/sandbox/http/request-budget.js';
import { defaultSandboxSettings } from '../../../dev/sandbox/state/sandbox-settings.js';

describe('RequestBudget', () => {
  it('allows 3,000 requests per user per 5 minutes, then answers with a fractional Retry-After', () => {
    const budget = new RequestBudget(() => ({ ...defaultSandboxSettings(), appResourceUnitsPerMinute: 1_000_000 }));
    const start = 1_000_000;
    for (let i = 0; i < 3000; i++) expect(budget.charge('user', 'app', 1, start + i * 10).allowed).toBe(true);
    const refused = budget.charge('user', 'app', 1, start + 30_000 + 123);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAfterSeconds).toBeCloseTo(300 - 30.123, 3);
    expect(budget.charge('other-user', 'app', 1, start + 30_000).allowed).toBe(true);
    expect(budget.charge('user', 'app', 1, start + 300_001).allowed).toBe(true);
  });

  it('sends RateLimit headers only past 80 % of the app resource units, and refuses past 100 %', () => {
    const budget = new RequestBudget(() => ({ ...defaultSandboxSettings(), appResourceUnitsPerMinute: 100 }));
    const now = 5_000;
    for (let i = 0; i < 40; i++) expect(budget.charge(`u${i}`, 'app', 2, now).headers).toEqual({});
    const warned = budget.charge('u', 'app', 2, now);
    expect(warned.headers).toMatchObject({ 'ratelimit-limit': '100', 'ratelimit-remaining': '18' });
    for (let i = 0; i < 9; i++) budget.charge('u', 'app', 2, now);
    const refused = budget.charge('u', 'app', 1, now + 1_500);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAfterSeconds).toBeCloseTo(58.5, 3);
    expect(budget.charge('u', 'app', 1, now + 60_000).allowed).toBe(true);
  });
});
