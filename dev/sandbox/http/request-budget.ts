// Throttling per docs/graph-behaviour.md §5, on the sandbox clock: a per-user request budget (3,000
// requests per 5 minutes) and a per-app resource-unit budget per minute. Past 80 % of the app's
// RU budget the RateLimit-* headers are sent; past 100 %, or past the user budget, 429.
import type { SandboxSettings } from '../state/sandbox-settings.js';

export type BudgetDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; retryAfterSeconds: number; headers: Record<string, string> };

const RU_WINDOW_MS = 60_000;

class SlidingWindow {
  private times: number[] = [];
  private weights: number[] = [];
  private start = 0;
  total = 0;

  prune(now: number, windowMs: number): void {
    while (this.start < this.times.length && this.times[this.start]! <= now - windowMs) {
      this.total -= this.weights[this.start]!;
      this.start++;
    }
    if (this.start > 1024 && this.start * 2 > this.times.length) {
      this.times = this.times.slice(this.start);
      this.weights = this.weights.slice(this.start);
      this.start = 0;
    }
  }

  add(now: number, weight: number): void {
    this.times.push(now);
    this.weights.push(weight);
    this.total += weight;
  }

  /** When the oldest entry leaves the window. */
  oldestExpiry(windowMs: number, now: number): number {
    const oldest = this.times[this.start];
    return oldest === undefined ? now : oldest + windowMs;
  }
}

export class RequestBudget {
  private readonly users = new Map<string, SlidingWindow>();
  private readonly apps = new Map<string, SlidingWindow>();

  constructor(private readonly settings: () => SandboxSettings) {}

  reset(): void {
    this.users.clear();
    this.apps.clear();
  }

  /** Charges one request of `ru` resource units, or refuses it (a refused request is not charged). */
  charge(userKey: string, appKey: string, ru: number, now: number): BudgetDecision {
    const { userRequestLimit, userRequestWindowMs, appResourceUnitsPerMinute } = this.settings();
    const user = windowFor(this.users, userKey);
    const app = windowFor(this.apps, appKey);
    user.prune(now, userRequestWindowMs);
    app.prune(now, RU_WINDOW_MS);

    if (user.total + 1 > userRequestLimit) {
      return {
        allowed: false,
        retryAfterSeconds: secondsUntil(user.oldestExpiry(userRequestWindowMs, now), now),
        headers: {},
      };
    }
    if (app.total + ru > appResourceUnitsPerMinute) {
      const reset = secondsUntil(app.oldestExpiry(RU_WINDOW_MS, now), now);
      return {
        allowed: false,
        retryAfterSeconds: reset,
        headers: rateLimitHeaders(appResourceUnitsPerMinute, 0, reset),
      };
    }
    user.add(now, 1);
    app.add(now, ru);
    const headers =
      app.total > 0.8 * appResourceUnitsPerMinute
        ? rateLimitHeaders(
            appResourceUnitsPerMinute,
            appResourceUnitsPerMinute - app.total,
            secondsUntil(app.oldestExpiry(RU_WINDOW_MS, now), now),
          )
        : {};
    return { allowed: true, headers };
  }
}

function windowFor(map: Map<string, SlidingWindow>, key: string): SlidingWindow {
  let window = map.get(key);
  if (!window) {
    window = new SlidingWindow();
    map.set(key, window);
  }
  return window;
}

/** Fractional seconds with millisecond precision, as Graph sends them (e.g. "2.128", §5). */
function secondsUntil(time: number, now: number): number {
  return Math.max(0.001, Math.round(time - now) / 1000);
}

function rateLimitHeaders(limit: number, remaining: number, resetSeconds: number): Record<string, string> {
  return {
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(Math.max(0, remaining)),
    'ratelimit-reset': String(Math.ceil(resetSeconds)),
  };
}
