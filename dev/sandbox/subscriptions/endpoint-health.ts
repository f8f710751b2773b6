// Slow-endpoint accounting (docs/graph-behaviour.md §4, change-notifications-delivery-webhooks.md): a
// response over 2,900 ms is slow; once an endpoint has received 100 notifications in the current
// window, ≥ 10 % slow delays everything to it by 10 minutes and ≥ 15 % slow drops it. Counters
// reset every 10 minutes (sandbox clock). Thresholds come from the settings so tests can shrink them.
import type { SubscriptionSettings } from './subscription-settings.js';

export type EndpointVerdict = 'normal' | 'delay' | 'drop';

interface Counters {
  windowStart: number;
  notifications: number;
  slow: number;
}

export class EndpointHealth {
  private readonly counters = new Map<string, Counters>();

  constructor(private readonly settings: () => SubscriptionSettings) {}

  verdict(endpoint: string, now: number): EndpointVerdict {
    const counters = this.current(endpoint, now);
    const settings = this.settings();
    if (counters.notifications < settings.slowMinNotifications) return 'normal';
    const slowShare = counters.slow / counters.notifications;
    if (slowShare >= settings.slowDropRatio) return 'drop';
    if (slowShare >= settings.slowDelayRatio) return 'delay';
    return 'normal';
  }

  /** Counts a request carrying `notificationCount` notifications; slow when over the threshold or timed out. */
  record(endpoint: string, now: number, notificationCount: number, durationMs: number, timedOut: boolean): void {
    const counters = this.current(endpoint, now);
    counters.notifications += notificationCount;
    if (timedOut || durationMs > this.settings().slowResponseMs) counters.slow += notificationCount;
  }

  clear(): void {
    this.counters.clear();
  }

  private current(endpoint: string, now: number): Counters {
    let counters = this.counters.get(endpoint);
    if (!counters || now - counters.windowStart >= this.settings().slowWindowMs) {
      counters = { windowStart: now, notifications: 0, slow: 0 };
      this.counters.set(endpoint, counters);
    }
    return counters;
  }
}
