// Issue 12 "Must show", end to end through the local Functions host with the Google sandbox: the
// connect flow with PKCE for a google_drive source; after the crawl a changes.watch channel, and a
// change pushed by it reaching the feed with no poll; 30 sandbox days with channels recreated before
// they expire and none lapsed; and a grant Google revokes ending in needs_reauth.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { waitFor } from '../../support/host-wait.js';
import { uniqueName } from '../../support/storage.js';
import { startNotificationsTestBed, type NotificationsTestBed } from './notifications-test-bed.js';

const DAY_MS = 86_400_000;
let bed: NotificationsTestBed;

beforeAll(async () => {
  bed = await startNotificationsTestBed({}, { google: true });
}, 60_000);
afterAll(async () => {
  await bed?.stop();
});

const google = () => bed.google!;

/** Registers a My Drive source with a refresh token and waits for its first channel and closing sync. */
async function registerWithChannel(kbId: string): Promise<string> {
  const { refreshToken } = google().control.issueRefreshToken();
  const put = await bed.call('PUT', `kbs/${kbId}/sources/src`, {
    type: 'google_drive',
    location: { myDrive: true },
    refreshToken,
  });
  expect(put.status, put.text).toBe(201);
  const channelId = await waitFor('the channel', async () => {
    const record = (await bed.services.sources.get({ kbId, sourceId: 'src' }))?.record;
    return record?.lastSyncResult === 'ok' && record.subscriptionId ? record.subscriptionId : undefined;
  });
  await waitFor('the resubscribed sync', () => bed.syncReasons(kbId).includes('resubscribed'));
  return channelId;
}

test('connects a google_drive source with PKCE through the local host', async () => {
  const kbId = uniqueName('kbg');
  const put = await bed.call('PUT', `kbs/${kbId}/sources/src`, { type: 'google_drive', location: { myDrive: true } });
  expect(put.status, put.text).toBe(201);
  expect(put.json.state).toBe('pending_auth');
  const query = new URLSearchParams({ kbId, sourceId: 'src', returnTo: 'http://localhost:3000/done' });
  const start = await fetch(`${bed.host.baseUrl}/api/connect/start?${query.toString()}`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.origin).toBe(google().baseUrl);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('access_type')).toBe('offline');
  const consent = await fetch(authorize, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
  expect(callback.status, await callback.clone().text()).toBe(302);
  expect(new URL(callback.headers.get('location')!).origin).toBe('http://localhost:3000');
  await waitFor('the connected source synced', async () => {
    const status = await bed.call('GET', `kbs/${kbId}/sources/src`);
    return status.json?.state === 'active' && status.json?.lastSyncResult === 'ok';
  });
  // The code was redeemed with its verifier at the token endpoint, once.
  expect(
    google()
      .control.tokenLog()
      .filter((entry) => entry.grantType === 'authorization_code'),
  ).toEqual([{ grantType: 'authorization_code', outcome: 'ok' }]);
}, 60_000);

test('a change pushed through the channel reaches the feed with no poll', async () => {
  const kbId = uniqueName('kbg');
  const channelId = await registerWithChannel(kbId);
  expect(
    google()
      .control.channels()
      .map((channel) => channel.id),
  ).toContain(channelId);
  const file = google().control.createFile({
    parentIds: [google().control.myDriveRootId()],
    name: `pushed-${kbId}.txt`,
    content: 'hi',
  });
  const event = await bed.waitForEvent(kbId, (candidate) => candidate.itemId === file.id);
  expect(event).toMatchObject({ op: 'upsert', kind: 'file' });
  // The event is written before the sync job logs that it is done.
  await waitFor('the notification sync', () => bed.syncReasons(kbId).includes('notification'));
  expect(bed.syncReasons(kbId)).not.toContain('poll');
  // The webhook answered every change push 2xx. (The sync handshake can beat the channel's row,
  // which is written once changes.watch has answered: then it gets the unwanted-delivery 404, which
  // Google does not retry and which costs nothing, since a sync message carries no change.)
  await google().control.settleDeliveries();
  const changes = google()
    .control.deliveries()
    .filter((delivery) => delivery.channelId === channelId && delivery.state === 'change');
  expect(changes.length).toBeGreaterThanOrEqual(1);
  expect(changes.every((delivery) => delivery.status >= 200 && delivery.status < 300)).toBe(true);
}, 60_000);

test('30 sandbox days: channels are recreated before they expire, none lapses, no change is missed', async () => {
  const kbId = uniqueName('kbg');
  const key = { kbId, sourceId: 'src' };
  const first = await registerWithChannel(kbId);
  const channelIds = new Set([first]);
  const created: string[] = [];
  for (let day = 3; day <= 30; day += 3) {
    google().control.advanceClock(3 * DAY_MS);
    await bed.runMaintenance();
    const now = google().control.now();
    const record = (await bed.services.sources.get(key))!.record;
    const live = google()
      .control.channels()
      .find((channel) => channel.id === record.subscriptionId);
    expect(live, `day ${day}: the source has a live channel`).toBeDefined();
    expect(live!.expiration, `day ${day}`).toBeGreaterThan(now);
    channelIds.add(record.subscriptionId!);
    const file = google().control.createFile({
      parentIds: [google().control.myDriveRootId()],
      name: `day-${day}-${kbId}.txt`,
      content: `${day}`,
    });
    created.push(file.id);
    await bed.waitForEvent(kbId, (event) => event.itemId === file.id);
  }
  // One-week channels over 30 days: several replacements, and the old ones stopped.
  expect(channelIds.size).toBeGreaterThanOrEqual(4);
  const live = google()
    .control.channels()
    .filter((channel) => channelIds.has(channel.id));
  expect(live).toHaveLength(1);
  const feedIds = new Set((await bed.feed(kbId)).map((event) => event.itemId as string));
  expect(created.filter((id) => !feedIds.has(id))).toEqual([]);
}, 240_000);

test('a grant Google revoked ends in needs_reauth with the reason', async () => {
  const kbId = uniqueName('kbg');
  const { refreshToken } = google().control.issueRefreshToken();
  const put = await bed.call('PUT', `kbs/${kbId}/sources/src`, {
    type: 'google_drive',
    location: { myDrive: true },
    refreshToken,
  });
  expect(put.status, put.text).toBe(201);
  await waitFor(
    'the first sync',
    async () => (await bed.call('GET', `kbs/${kbId}/sources/src`)).json?.lastSyncResult === 'ok',
  );
  google().control.revokeGrant({ refreshToken, reason: 'revoked' });
  // An hour later the access token is gone too; the next sync must refresh and cannot.
  google().control.advanceClock(2 * 60 * 60 * 1000);
  const sync = await bed.call('POST', `kbs/${kbId}/sources/src/sync`);
  expect(sync.status, sync.text).toBeLessThan(300);
  const status = await waitFor('needs_reauth', async () => {
    const answer = await bed.call('GET', `kbs/${kbId}/sources/src`);
    return answer.json?.state === 'needs_reauth' ? answer.json : undefined;
  });
  expect(JSON.stringify(status)).toMatch(/revoked|expired/i);
  expect(JSON.stringify(status)).not.toContain(refreshToken);
}, 60_000);
