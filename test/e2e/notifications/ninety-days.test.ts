// Ninety days of sandbox time in 3-day steps, with edits along the way and one maintenance run per
// step: the subscription is renewed and never lapses (its id never changes), every edit reaches the
// feed, and the user's grant stays alive. The app's Graph clock and token manager follow the sandbox
// clock (notifications-test-bed.ts), as they would follow real time in production.
/* eslint-disable @typescript-eslint/no-unsafe-member-access */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { uniqueName } from '../../support/storage.js';
import { startNotificationsTestBed, type NotificationsTestBed } from './notifications-test-bed.js';

const DAY_MS = 86_400_000;
const STEP_DAYS = 3;
const STEPS = 30;

let bed: NotificationsTestBed;

beforeAll(async () => {
  bed = await startNotificationsTestBed();
}, 60_000);

afterAll(async () => {
  await bed?.stop();
});

test('90 days: the subscription never lapses, no change is missed, the token stays alive', async () => {
  const kbId = uniqueName('kb');
  const key = { kbId, sourceId: 'src' };
  const { driveId, rootId, subscriptionId } = await bed.registerWebhookSource(kbId);
  const edited: string[] = [];

  for (let step = 1; step <= STEPS; step++) {
    await bed.sandbox.control.advanceClock(STEP_DAYS * DAY_MS);
    if (step % 2 === 0) {
      const file = await bed.sandbox.control.createFile(driveId, rootId, `day-${step * STEP_DAYS}.txt`, `${step}`);
      edited.push(file.id);
    }
    await bed.runMaintenance();

    const sandboxNow = await bed.sandbox.control.now();
    const live = (await bed.subscriptionsControl.list()).find((entry) => entry.id === subscriptionId);
    expect(live, `day ${step * STEP_DAYS}: the subscription is still there`).toBeDefined();
    expect(Date.parse(live!.expirationDateTime), `day ${step * STEP_DAYS}`).toBeGreaterThan(sandboxNow);
    expect((await bed.services.sources.get(key))?.record.subscriptionId).toBe(subscriptionId);
    if (edited.length > 0) {
      const last = edited[edited.length - 1]!;
      await bed.waitForEvent(kbId, (event) => event.itemId === last);
    }
  }

  const feedIds = new Set((await bed.feed(kbId)).map((event) => event.itemId as string));
  expect(edited.filter((id) => !feedIds.has(id))).toEqual([]);
  const status = await bed.call('GET', `kbs/${kbId}/sources/src`);
  expect(status.json).toMatchObject({ state: 'active', mode: 'webhook' });
  // The grant still works at day 90: a token request now succeeds.
  await expect(bed.services.tokens.getAccessToken(key)).resolves.toEqual(expect.any(String));
  const tokenCalls = (await bed.sandbox.control.tokenLog()).filter((entry) => entry.grantType === 'refresh_token');
  expect(tokenCalls.length).toBeGreaterThan(STEPS / 2);
}, 300_000);
