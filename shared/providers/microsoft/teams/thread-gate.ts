// At most one message read per second per channel or chat from this instance. Teams allows about one
// request a second per app and tenant on one channel's or chat's messages and answers more with 429
// (https://learn.microsoft.com/graph/throttling-limits#microsoft-teams-service-limits); a sync of a
// source of every channel reads many channels, but each one at this pace. The interval is a setting
// (TEAMS_MIN_INTERVAL_MS_PER_THREAD), since Microsoft changes these limits; a 429 that still comes is
// honoured through the transport (Retry-After: graph/retry-after.ts, graph-failure.ts). Instances do
// not share the pace (the shared budget is issue 16).
import type { SourceKey, SourceRecord } from '../../../core/domain/source.js';
import type { GraphCall } from '../graph/graph-transport.js';
import type { RequestGate } from '../graph/gated-transport.js';
import { chatCursorOf, channelCursorOf } from './teams-mapping.js';

export const TEAMS_MIN_INTERVAL_MS_PER_THREAD = 1_000;

export interface GateClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: GateClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
};

/** Requests of one key start at least `minIntervalMs` apart, in the order they asked. */
export class ThreadGate implements RequestGate {
  /** When the next request of a key may start. */
  private readonly nextStart = new Map<string, number>();
  /** The last request of a key still waiting for its turn: the next one waits behind it. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly minIntervalMs = TEAMS_MIN_INTERVAL_MS_PER_THREAD,
    private readonly clock: GateClock = systemClock,
  ) {}

  async acquire(key: string): Promise<() => void> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let turnTaken!: () => void;
    const mine = new Promise<void>((resolve) => (turnTaken = resolve));
    this.tails.set(key, mine);
    await before;
    try {
      const wait = (this.nextStart.get(key) ?? 0) - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait);
      this.nextStart.set(key, this.clock.now() + this.minIntervalMs);
    } finally {
      turnTaken();
      if (this.tails.get(key) === mine) this.tails.delete(key);
      this.forgetPast();
    }
    // The pace counts starts, not requests in flight: nothing to give back.
    return () => undefined;
  }

  private forgetPast(): void {
    if (this.nextStart.size < 1_000) return;
    const now = this.clock.now();
    for (const [key, at] of this.nextStart) if (at <= now) this.nextStart.delete(key);
  }
}

/**
 * The gate key of a Teams request: the channel or chat whose messages it reads, from its path (a
 * nextLink or deltaLink names the same path). Other requests (discovery, lists of channels or chats)
 * are not paced here.
 */
export function threadKeyOf(_source: SourceKey | SourceRecord, call: GraphCall): string | undefined {
  const path = call.url.split('?')[0] ?? '';
  const channel = /\/channels\/([^/]+)\/messages(?:\/|$)/.exec(path);
  if (channel?.[1]) return channelCursorOf(decoded(channel[1]));
  const chat = /\/chats\/([^/]+)\/messages(?:\/|$)/.exec(path);
  if (chat?.[1]) return chatCursorOf(decoded(chat[1]));
  return undefined;
}

/** A path segment as an id; one Graph encoded oddly still gets a key of its own. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
