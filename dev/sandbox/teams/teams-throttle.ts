// Teams' documented request rates (https://learn.microsoft.com/graph/throttling-limits#microsoft-teams-service-limits):
// GET channel message 5 rps per app per tenant, GET 1:1/group chat message 3 rps per app per tenant,
// and "a maximum of 4 requests per second per app can be issued on a given team or channel".
// Counted in fixed windows on the sandbox clock (windowMs, 1 s by default: tests widen it so that a
// burst cannot straddle two windows). A request over any limit is answered 429 with Retry-After.
export interface TeamsThrottleSettings {
  channelMessageGetsPerWindow: number;
  chatMessageGetsPerWindow: number;
  perTeamOrChannelPerWindow: number;
  windowMs: number;
  retryAfterSeconds: number;
}

export function defaultTeamsThrottleSettings(): TeamsThrottleSettings {
  return {
    channelMessageGetsPerWindow: 5,
    chatMessageGetsPerWindow: 3,
    perTeamOrChannelPerWindow: 4,
    windowMs: 1000,
    retryAfterSeconds: 1,
  };
}

export interface ThrottleKeys {
  clientId: string;
  /** 'channel' for channel message GETs, 'chat' for chat message GETs, null for other Teams GETs. */
  messageKind: 'channel' | 'chat' | null;
  /** The team or channel addressed, if any. */
  teamOrChannel: string | null;
}

export class TeamsThrottle {
  settings = defaultTeamsThrottleSettings();
  private readonly counts = new Map<string, { window: number; count: number }>();

  reset(): void {
    this.settings = defaultTeamsThrottleSettings();
    this.counts.clear();
  }

  /** Counts the request; false when a limit is already used up in this window (the request is refused). */
  admit(keys: ThrottleKeys, now: number): boolean {
    const window = Math.floor(now / this.settings.windowMs);
    const buckets: [string, number][] = [];
    if (keys.messageKind === 'channel')
      buckets.push([`channelMessages ${keys.clientId}`, this.settings.channelMessageGetsPerWindow]);
    if (keys.messageKind === 'chat')
      buckets.push([`chatMessages ${keys.clientId}`, this.settings.chatMessageGetsPerWindow]);
    if (keys.teamOrChannel !== null)
      buckets.push([`place ${keys.clientId} ${keys.teamOrChannel}`, this.settings.perTeamOrChannelPerWindow]);
    const current = buckets.map(([key]) => {
      const entry = this.counts.get(key);
      return entry && entry.window === window ? entry.count : 0;
    });
    if (buckets.some(([, limit], index) => current[index]! >= limit)) return false;
    buckets.forEach(([key], index) => this.counts.set(key, { window, count: current[index]! + 1 }));
    return true;
  }
}
