// Usage limits and injected faults. Drive answers a caller over its per-user quota with 403
// `userRateLimitExceeded` or 429 `rateLimitExceeded` (https://developers.google.com/workspace/drive/api/guides/limits,
// https://developers.google.com/workspace/drive/api/guides/handle-errors#resolve_a_403_error_usage_limit_exceeded),
// and asks for exponential backoff; 500/503 `backendError` likewise.
import { z } from 'zod';
import type { SandboxResponse } from '../http/sandbox-http.js';
import { googleError } from './google-errors.js';

export interface GoogleSandboxSettings {
  /** Chance that a files.list or changes.list page is shorter than asked (Drive allows it, even empty). */
  shortPageChance: number;
  /** Drive requests per user per sandbox minute; 0 means no limit. */
  userRequestsPerMinute: number;
  /** Which answer an over-quota request gets. */
  rateLimitStatus: 403 | 429;
  coalesceMs: number;
  retryBaseMs: number;
}

export const faultSchema = z.object({
  method: z.string().optional(),
  /** A regular expression matched against the path. */
  path: z.string().default('.*'),
  status: z.number().int().min(400).max(599),
  reason: z.string().default('backendError'),
  message: z.string().default('Backend Error'),
  count: z.number().int().positive().default(1),
  retryAfterSeconds: z.number().int().positive().optional(),
});
export type Fault = z.input<typeof faultSchema>;

export class FaultList {
  private readonly faults: z.output<typeof faultSchema>[] = [];

  add(fault: Fault): void {
    this.faults.push(faultSchema.parse(fault));
  }

  clear(): void {
    this.faults.length = 0;
  }

  take(method: string, path: string): SandboxResponse | undefined {
    const index = this.faults.findIndex(
      (fault) => (!fault.method || fault.method === method) && new RegExp(fault.path).test(path),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    fault.count -= 1;
    if (fault.count === 0) this.faults.splice(index, 1);
    return googleError(
      fault.status,
      { reason: fault.reason, message: fault.message },
      fault.retryAfterSeconds ? { 'retry-after': String(fault.retryAfterSeconds) } : {},
    );
  }
}

export class RateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly settings: () => GoogleSandboxSettings,
    private readonly now: () => number,
  ) {}

  check(userId: string): SandboxResponse | undefined {
    const limit = this.settings().userRequestsPerMinute;
    if (limit <= 0) return undefined;
    const now = this.now();
    const times = (this.recent.get(userId) ?? []).filter((time) => now - time < 60_000);
    this.recent.set(userId, times);
    if (times.length >= limit) {
      return this.settings().rateLimitStatus === 429
        ? googleError(429, { reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded', domain: 'usageLimits' })
        : googleError(403, {
            reason: 'userRateLimitExceeded',
            message: 'User Rate Limit Exceeded',
            domain: 'usageLimits',
          });
    }
    times.push(now);
    return undefined;
  }
}
