// Issue 3 items 5 and 6: change notifications (batching, query string kept, retries on the sandbox
// clock, drop after 4 hours, duplicates, slow-endpoint accounting) and lifecycle notifications
// (reauthorizationRequired cadence, subscriptionRemoved/missed on demand, silent removal, expiry),
// delivered over real HTTP to a receiver on 127.0.0.1. Due work is triggered through the control
// API's run-due, which answers once every send has ended, so no assertion depends on timing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { defaultSubscriptionSettings } from '../../../dev/sandbox/subscriptions/subscription-settings.js';
import { SubscriptionsControl } from '../../../dev/sandbox/subscriptions/subscriptions-control.js';
import { WebhookReceiver } from '../../../dev/sandbox/subscriptions/webhook-receiver.js';
import { appAccessToken, startTestSandbox, userAccessToken } from './sandbox-test-kit.js';
import { createSubscription, MINUTE, subscriptionRequest, type SubscriptionBody } from './subscriptions-test-kit.js';

const changeNotificationSchema = z
  .object({
    subscriptionId: z.string(),
    subscriptionExpirationDateTime: z.iso.datetime(),
    changeType: z.literal('updated'),
    resource: z.string(),
    clientState: z.string().nullable(),
    tenantId: z.string(),
    resourceData: z.null(),
  })
  .strict();

const lifecycleNotificationSchema = z.object({
  subscriptionId: z.string(),
  subscriptionExpirationDateTime: z.iso.datetime(),
  clientState: z.string().nullable(),
  lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']),
  tenantId: z.string().optional(),
  organizationId: z.string().optional(),
});

describe('sandbox change and lifecycle notifications', () => {
  let sandbox: Sandbox;
  let control: SubscriptionsControl;
  let receiver: WebhookReceiver;
  let token: string;
  let rootId: string;
  let fileNumber = 0;

  /** One change on the default (business) drive's root. */
  const changeDefaultDrive = () =>
    sandbox.control.createFile(sandbox.defaultDriveId, rootId, `change-${++fileNumber}.txt`, 'x');
  const subscribe = async (path: string, extra: Record<string, unknown> = {}): Promise<SubscriptionBody> =>
    createSubscription(sandbox, token, {
      resource: '/me/drive/root',
      notificationUrl: `${receiver.baseUrl}${path}`,
      expirationDateTime: new Date((await sandbox.control.now()) + 3 * 24 * 60 * MINUTE).toISOString(),
      clientState: `state-for-${path}`,
      ...extra,
    });
  const batchesTo = (prefix: string) => receiver.notificationBatches(prefix);
  const deliveriesOf = async (subscriptionId: string) =>
    (await control.deliveries()).filter((entry) => entry.subscriptionIds.includes(subscriptionId));

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    control = new SubscriptionsControl(sandbox.baseUrl);
    receiver = await WebhookReceiver.start();
    rootId = sandbox.context.tenant.requireDrive(sandbox.defaultDriveId).rootId;
  });
  afterAll(async () => {
    await sandbox.stop();
    await receiver.close();
  });
  beforeEach(async () => {
    // Only run-due sends batches (a long batching window), so each test decides when POSTs happen.
    await control.settings({ ...defaultSubscriptionSettings(), deliveryLatencyMs: 60_000 });
    receiver.behaviour = () => undefined;
    // A fresh token each time: earlier tests move the sandbox clock past token lifetimes.
    token = await userAccessToken(sandbox);
  });

  it('POSTs {"value":[…]} to the notification URL with its query string, one notification per subscription', async () => {
    const first = await subscribe('/t1/notify?code=function-key&x=1');
    const second = await subscribe('/t1/notify?code=function-key&x=1', { clientState: null });
    await changeDefaultDrive();
    await changeDefaultDrive();
    await control.runDue();

    const batches = batchesTo('/t1/');
    expect(batches).toHaveLength(1);
    expect(batches[0]!.url).toBe('/t1/notify?code=function-key&x=1');
    const notifications = batches[0]!.value.map((n) => changeNotificationSchema.parse(n));
    expect(notifications.map((n) => n.subscriptionId).sort()).toEqual([first.id, second.id].sort());
    expect(notifications.find((n) => n.subscriptionId === first.id)).toEqual({
      subscriptionId: first.id,
      subscriptionExpirationDateTime: first.expirationDateTime,
      changeType: 'updated',
      resource: '/me/drive/root',
      clientState: 'state-for-/t1/notify?code=function-key&x=1',
      tenantId: sandbox.tenantId,
      resourceData: null,
    });
    expect(notifications.find((n) => n.subscriptionId === second.id)!.clientState).toBeNull();
    const post = receiver.requests.find((r) => r.url.startsWith('/t1/') && r.body !== '')!;
    expect(post.contentType).toMatch(/^application\/json/);

    const log = await deliveriesOf(first.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ outcome: 'delivered', status: 202, attempt: 1, duplicate: false, kind: 'change' });
    // The delivery log never shows query values: the URL may carry a function key.
    expect(log[0]!.url).not.toContain('function-key');
  });

  it('notifies a personal folder subscription only for changes below that folder', async () => {
    const app = await appAccessToken(sandbox);
    const user = await sandbox.control.createUser({ displayName: 'Folder Owner' });
    const drive = await sandbox.control.createDrive({ driveType: 'personal', ownerUserId: user.id });
    const watched = await sandbox.control.createFolder(drive.driveId, drive.rootId, 'Watched');
    const inner = await sandbox.control.createFolder(drive.driveId, watched.id, 'Inner');
    const other = await sandbox.control.createFolder(drive.driveId, drive.rootId, 'Other');
    const subscription = await createSubscription(sandbox, app, {
      resource: `/drives/${drive.driveId}/items/${watched.id}`,
      notificationUrl: `${receiver.baseUrl}/t2`,
      expirationDateTime: new Date((await sandbox.control.now()) + 60 * MINUTE).toISOString(),
    });
    await sandbox.control.createFile(drive.driveId, other.id, 'outside.txt', 'o');
    await control.runDue();
    expect(batchesTo('/t2')).toEqual([]);

    await sandbox.control.createFile(drive.driveId, inner.id, 'inside.txt', 'i');
    await control.runDue();
    const batches = batchesTo('/t2');
    expect(batches).toHaveLength(1);
    expect(batches[0]!.value[0]).toMatchObject({
      subscriptionId: subscription.id,
      resource: `/drives/${drive.driveId}/items/${watched.id}`,
    });
  });

  it('retries a failed delivery on the sandbox clock: 500, then a timeout, then success', async () => {
    // Delivery timeout shrunk from Graph's 3 s to 1 s so the timeout case is fast; still far above
    // what a loopback POST takes on a loaded machine.
    await control.settings({ deliveryTimeoutMs: 1_000 });
    let posts = 0;
    receiver.behaviour = (request) => {
      if (!request.url.startsWith('/t3') || request.body === '') return undefined;
      posts++;
      if (posts === 1) return { status: 500 };
      if (posts === 2) return { status: 202, delayMs: 2_500 };
      return undefined;
    };
    const subscription = await subscribe('/t3');
    await changeDefaultDrive();
    await control.runDue();
    expect(await deliveriesOf(subscription.id)).toMatchObject([{ outcome: 'retrying', status: 500, attempt: 1 }]);

    // Not due yet: the first retry waits a minute of sandbox time.
    await control.runDue();
    expect(posts).toBe(1);
    await sandbox.control.advanceClock(MINUTE);
    await control.runDue();
    await sandbox.control.advanceClock(2 * MINUTE);
    await control.runDue();
    const log = await deliveriesOf(subscription.id);
    expect(log.map((e) => [e.outcome, e.attempt, e.status, e.reason])).toEqual([
      ['retrying', 1, 500, 'status 500'],
      ['retrying', 2, null, 'timeout'],
      ['delivered', 3, 202, null],
    ]);
    const bodies = batchesTo('/t3').map((b) => JSON.stringify(b.value));
    expect(new Set(bodies).size).toBe(1);
  });

  it('drops a delivery after 4 hours of failures and records it', async () => {
    receiver.behaviour = (request) =>
      request.url.startsWith('/t4') && request.body !== '' ? { status: 503 } : undefined;
    const subscription = await subscribe('/t4');
    await changeDefaultDrive();
    await control.runDue();
    const start = (await deliveriesOf(subscription.id))[0]!.time;
    // Bounded: 12 hourly steps are far more than the 4-hour window needs.
    for (let step = 0; step < 12; step++) {
      const log = await deliveriesOf(subscription.id);
      if (log.some((e) => e.outcome === 'dropped')) break;
      await sandbox.control.advanceClock(60 * MINUTE);
      await control.runDue();
    }
    const log = await deliveriesOf(subscription.id);
    const dropped = log.filter((e) => e.outcome === 'dropped');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.reason).toMatch(/retry window exhausted/);
    // Every attempt that was sent happened within 4 hours of the first.
    const sent = log.filter((e) => e.status !== null);
    expect(sent.every((e) => e.time - start <= 4 * 60 * MINUTE)).toBe(true);
    expect(log.filter((e) => e.outcome === 'retrying').length).toBeGreaterThan(3);
    const attempts = batchesTo('/t4').length;
    await sandbox.control.advanceClock(5 * 60 * MINUTE);
    await control.runDue();
    expect(batchesTo('/t4')).toHaveLength(attempts);
  });

  it('sends duplicates when asked to', async () => {
    await control.settings({ duplicateRate: 1 });
    const subscription = await subscribe('/t5');
    await changeDefaultDrive();
    await control.runDue();
    const batches = batchesTo('/t5');
    expect(batches).toHaveLength(2);
    expect(batches[1]).toEqual(batches[0]);
    expect((await deliveriesOf(subscription.id)).map((e) => [e.outcome, e.duplicate])).toEqual([
      ['delivered', false],
      ['delivered', true],
    ]);
  });

  it('delays a slow endpoint at 10 % slow responses and drops it at 15 %', async () => {
    // Graph's thresholds are 2,900 ms and 100 notifications; shrunk to 800 ms and 10 notifications
    // so the test is fast (800 ms stays far above a loopback POST on a loaded machine). The ratios
    // (10 %, 15 %) and the 10-minute window and delay are Graph's.
    await control.settings({ slowResponseMs: 800, slowMinNotifications: 10 });
    let slowNext = false;
    receiver.behaviour = (request) =>
      request.url.startsWith('/t6') && request.body !== '' && slowNext ? { status: 202, delayMs: 1_000 } : undefined;
    const subscription = await subscribe('/t6');
    const deliverOne = async (slow: boolean) => {
      slowNext = slow;
      await changeDefaultDrive();
      await control.runDue();
    };
    for (let i = 0; i < 9; i++) await deliverOne(false);
    await deliverOne(true);
    // 1 slow of 10 = 10 %: the next delivery is delayed by 10 minutes, not sent.
    await deliverOne(false);
    let outcomes = (await deliveriesOf(subscription.id)).map((e) => e.outcome);
    expect(outcomes.slice(-1)).toEqual(['delayed']);
    expect(batchesTo('/t6')).toHaveLength(10);
    await sandbox.control.advanceClock(10 * MINUTE);
    await control.runDue();
    expect(batchesTo('/t6')).toHaveLength(11);

    // The window has reset. 1 (the delayed one) + 7 fast + 2 slow = 20 % slow → dropped.
    for (let i = 0; i < 7; i++) await deliverOne(false);
    await deliverOne(true);
    await deliverOne(true);
    await deliverOne(false);
    outcomes = (await deliveriesOf(subscription.id)).map((e) => e.outcome);
    expect(outcomes.slice(-1)).toEqual(['dropped']);
    expect(batchesTo('/t6')).toHaveLength(20);
  });

  it('sends reauthorizationRequired when less than 60 minutes remain, then every 10 minutes until renewed', async () => {
    const now = await sandbox.control.now();
    const subscription = await subscribe('/t7/notify', {
      lifecycleNotificationUrl: `${receiver.baseUrl}/t7/lifecycle?kind=lifecycle`,
      expirationDateTime: new Date(now + 90 * MINUTE).toISOString(),
    });
    const notices = () => batchesTo('/t7/lifecycle').flatMap((b) => b.value);
    await control.runDue();
    expect(notices()).toEqual([]);
    await sandbox.control.advanceClock(31 * MINUTE);
    await control.runDue();
    expect(notices().map((n) => lifecycleNotificationSchema.parse(n))).toEqual([
      {
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: subscription.expirationDateTime,
        tenantId: sandbox.tenantId,
        clientState: 'state-for-/t7/notify',
        lifecycleEvent: 'reauthorizationRequired',
      },
    ]);
    expect(batchesTo('/t7/lifecycle')[0]!.url).toBe('/t7/lifecycle?kind=lifecycle');
    await sandbox.control.advanceClock(5 * MINUTE);
    await control.runDue();
    expect(notices()).toHaveLength(1);
    await sandbox.control.advanceClock(5 * MINUTE);
    await control.runDue();
    expect(notices()).toHaveLength(2);

    token = await userAccessToken(sandbox);
    const renewed = await subscriptionRequest(sandbox, token, 'PATCH', `/${subscription.id}`, {
      expirationDateTime: new Date((await sandbox.control.now()) + 3 * 24 * 60 * MINUTE).toISOString(),
    });
    expect(renewed.status).toBe(200);
    await sandbox.control.advanceClock(20 * MINUTE);
    await control.runDue();
    expect(notices()).toHaveLength(2);
  });

  it('sends subscriptionRemoved and missed only with evenForDriveItem, in either payload variant', async () => {
    const subscription = await subscribe('/t8/notify', {
      lifecycleNotificationUrl: `${receiver.baseUrl}/t8/lifecycle`,
    });
    await expect(control.sendLifecycle(subscription.id, { lifecycleEvent: 'missed' })).rejects.toMatchObject({
      status: 400,
    });
    await control.sendLifecycle(subscription.id, { lifecycleEvent: 'missed', evenForDriveItem: true });
    await control.runDue();
    await control.sendLifecycle(subscription.id, {
      lifecycleEvent: 'subscriptionRemoved',
      evenForDriveItem: true,
      organizationIdVariant: true,
    });
    await control.runDue();
    const notices = batchesTo('/t8/lifecycle').flatMap((b) => b.value.map((n) => lifecycleNotificationSchema.parse(n)));
    expect(notices.map((n) => n.lifecycleEvent)).toEqual(['missed', 'subscriptionRemoved']);
    expect(notices[0]!.tenantId).toBe(sandbox.tenantId);
    expect(notices[1]!.organizationId).toBe(sandbox.tenantId);
    expect(notices[1]).not.toHaveProperty('tenantId');
    // subscriptionRemoved means the subscription is gone.
    expect((await subscriptionRequest(sandbox, token, 'GET', `/${subscription.id}`)).status).toBe(404);
  });

  it('removes a subscription silently: no lifecycle notification, no more change notifications', async () => {
    const subscription = await subscribe('/t9/notify', {
      lifecycleNotificationUrl: `${receiver.baseUrl}/t9/lifecycle`,
    });
    await control.removeSilently(subscription.id);
    await changeDefaultDrive();
    await control.runDue();
    expect(receiver.requests.filter((r) => r.url.startsWith('/t9') && r.body !== '')).toEqual([]);
    expect((await subscriptionRequest(sandbox, token, 'GET', `/${subscription.id}`)).status).toBe(404);
  });

  it('stops delivering when a subscription expires, pending retries included', async () => {
    receiver.behaviour = (request) =>
      request.url.startsWith('/t10') && request.body !== '' ? { status: 500 } : undefined;
    const subscription = await subscribe('/t10', {
      expirationDateTime: new Date((await sandbox.control.now()) + 2 * MINUTE).toISOString(),
    });
    await changeDefaultDrive();
    await control.runDue();
    expect(batchesTo('/t10')).toHaveLength(1);
    await sandbox.control.advanceClock(3 * MINUTE);
    await control.runDue();
    await changeDefaultDrive();
    await control.runDue();
    expect(batchesTo('/t10')).toHaveLength(1);
    expect((await control.list()).map((s) => s.id)).not.toContain(subscription.id);
  });
});
