// Teams' documented rates (throttling-limits, Microsoft Teams service limits): GET channel message
// 5 rps and GET chat message 3 rps per app per tenant, 4 requests per second per app on one team or
// channel. Over a limit: 429 with Retry-After and Graph's error body; the limits come from the control.
// The window is widened to a minute here so a burst cannot straddle two windows.
import { describe, expect, it } from 'vitest';
import { graphGet } from '../sandbox/sandbox-test-kit.js';
import { channelUrl, chatUrl, expectGraphError, useTeamsSandbox } from './teams-test-kit.js';

const DOCUMENTED = { channelMessageGetsPerWindow: 5, chatMessageGetsPerWindow: 3, perTeamOrChannelPerWindow: 4 };

describe('Teams sandbox throttling', () => {
  const f = useTeamsSandbox();

  it('allows 4 requests per window on one channel, then 429 with Retry-After; another channel still answers', async () => {
    f.sandbox.teams.setThrottling({ ...DOCUMENTED, windowMs: 60_000, retryAfterSeconds: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await graphGet(channelUrl(f, '/messages'), f.token)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const throttled = await graphGet(channelUrl(f, '/messages'), f.token);
    expectGraphError(throttled, 429, 'TooManyRequests');
    expect(throttled.headers.get('retry-after')).toBe('2');
    const general = `${f.sandbox.graphBaseUrl}/teams/${f.teamId}/channels/${encodeURIComponent(f.generalId)}/messages`;
    expect((await graphGet(general, f.token)).status).toBe(200);
  });

  it('allows 3 chat message GETs per window for the app, then 429', async () => {
    f.sandbox.teams.setThrottling({ ...DOCUMENTED, windowMs: 60_000 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await graphGet(chatUrl(f, '/messages'), f.token)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // The chat itself (not a message GET) is not under that limit.
    expect((await graphGet(chatUrl(f), f.token)).status).toBe(200);
  });

  it('counts channel message GETs per app across channels (5 per window) and takes the limit from the control', async () => {
    f.sandbox.teams.setThrottling({ ...DOCUMENTED, windowMs: 60_000 });
    const general = `${f.sandbox.graphBaseUrl}/teams/${f.teamId}/channels/${encodeURIComponent(f.generalId)}/messages`;
    const urls = [channelUrl(f, '/messages'), channelUrl(f, '/messages'), general, general, general, general];
    const statuses: number[] = [];
    for (const url of urls) statuses.push((await graphGet(url, f.token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    f.sandbox.teams.setThrottling({ channelMessageGetsPerWindow: 100, perTeamOrChannelPerWindow: 100 });
    expect((await graphGet(general, f.token)).status).toBe(200);
  });
});
