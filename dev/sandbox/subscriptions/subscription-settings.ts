// The knobs of the subscriptions module (issue 3 items 4–6). Defaults are Graph's documented numbers
// (docs/graph-behaviour.md §3, §4); tests shrink the timeouts and thresholds through the control API
// (PATCH /_sandbox/subscriptions/settings) so they run fast, and say so where they do.
import { z } from 'zod';

const MINUTE_MS = 60 * 1000;

export const subscriptionSettingsSchema = z.object({
  /** §3: the validation request must be answered within 10 s (real time, not the sandbox clock). */
  validationTimeoutMs: z.number().int().min(1),
  /** §4: a notification POST must be answered within 3 s (real time). */
  deliveryTimeoutMs: z.number().int().min(1),
  /** Real-time window over which changes are batched per URL before one POST; small so tests are fast. */
  deliveryLatencyMs: z.number().int().min(0),
  /** §4: failed deliveries are retried for up to 4 hours of sandbox time, then dropped. */
  retryWindowMs: z.number().int().min(1),
  /** Retry backoff on the sandbox clock: first retry after retryBaseMs, doubling, capped at retryMaxIntervalMs. */
  retryBaseMs: z.number().int().min(1),
  retryMaxIntervalMs: z.number().int().min(1),
  /** §4 slow-endpoint accounting: a response slower than this (real ms) is slow. */
  slowResponseMs: z.number().int().min(1),
  /** Accounting starts judging an endpoint after this many notifications in the window. */
  slowMinNotifications: z.number().int().min(1),
  /** ≥ this share of slow responses → every notification to the endpoint is delayed by slowDelayMs. */
  slowDelayRatio: z.number().min(0).max(1),
  /** ≥ this share of slow responses → notifications to the endpoint are dropped. */
  slowDropRatio: z.number().min(0).max(1),
  /** Counters reset every 10 minutes of sandbox time. */
  slowWindowMs: z.number().int().min(1),
  slowDelayMs: z.number().int().min(0),
  /** Probability that a delivered POST is sent a second time (duplicates happen, §4 [O]). */
  duplicateRate: z.number().min(0).max(1),
  /** reauthorizationRequired is sent once less than this remains before expiry (sandbox time)… */
  reauthorizationWindowMs: z.number().int().min(0),
  /** …and then at most this often until the subscription is renewed or reauthorized. */
  reauthorizationRepeatMs: z.number().int().min(1),
  /** How often (real ms) the module looks for due retries, reauthorizations and expiries. */
  tickMs: z.number().int().min(10),
});

export type SubscriptionSettings = z.infer<typeof subscriptionSettingsSchema>;
export const subscriptionSettingsPatchSchema = subscriptionSettingsSchema.partial().strict();
export type SubscriptionSettingsPatch = z.infer<typeof subscriptionSettingsPatchSchema>;

export function defaultSubscriptionSettings(): SubscriptionSettings {
  return {
    validationTimeoutMs: 10_000,
    deliveryTimeoutMs: 3_000,
    deliveryLatencyMs: 50,
    retryWindowMs: 4 * 60 * MINUTE_MS,
    retryBaseMs: MINUTE_MS,
    retryMaxIntervalMs: 60 * MINUTE_MS,
    slowResponseMs: 2_900,
    slowMinNotifications: 100,
    slowDelayRatio: 0.1,
    slowDropRatio: 0.15,
    slowWindowMs: 10 * MINUTE_MS,
    slowDelayMs: 10 * MINUTE_MS,
    duplicateRate: 0,
    reauthorizationWindowMs: 60 * MINUTE_MS,
    reauthorizationRepeatMs: 10 * MINUTE_MS,
    tickMs: 100,
  };
}
