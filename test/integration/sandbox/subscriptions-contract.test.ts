// Contract tests for subscriptions and notifications (docs/graph-behaviour.md §3, §4). Each fixture is
// one of Microsoft's documented examples (the fixture names its doc); the schemas are written here,
// for these tests only. A documented example and what the sandbox sends must both satisfy them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { SubscriptionsControl } from '../../../dev/sandbox/subscriptions/subscriptions-control.js';
import { WebhookReceiver } from '../../../dev/sandbox/subscriptions/webhook-receiver.js';
import { startTestSandbox, userAccessToken } from './sandbox-test-kit.js';
import { MINUTE, subscriptionRequest } from './subscriptions-test-kit.js';

const fixtureDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/graph');
const fixtureSchema = z.object({ source: z.string().min(10), status: z.number().int(), body: z.unknown() });
function fixtureBody(name: string): unknown {
  return fixtureSchema.parse(JSON.parse(readFileSync(path.join(fixtureDir, name), 'utf8'))).body;
}

const dateTime = z.string().refine((value) => Number.isFinite(Date.parse(value)), 'an ISO date and time');

// subscription.md: the properties §3 lists for a created subscription.
const contractSubscription = z.object({
  id: z.string().min(1),
  resource: z.string().min(1),
  applicationId: z.string().min(1),
  changeType: z.literal('updated'),
  clientState: z.string().max(128).nullable(),
  notificationUrl: z.url(),
  lifecycleNotificationUrl: z.url().nullable().optional(),
  expirationDateTime: dateTime,
  creatorId: z.string().min(1),
  latestSupportedTlsVersion: z.enum(['v1_0', 'v1_1', 'v1_2', 'v1_3']),
  notificationContentType: z.string().nullable().optional(),
});
const contractSubscriptionList = z.object({
  value: z.array(contractSubscription.extend({ clientState: z.null() })),
  '@odata.nextLink': z.url().optional(),
});

// changenotification.md for driveItem: the subscribed resource, no resource data.
const contractChangeNotifications = z.object({
  value: z
    .array(
      z.object({
        subscriptionId: z.string().min(1),
        subscriptionExpirationDateTime: dateTime,
        changeType: z.literal('updated'),
        resource: z.string().min(1),
        clientState: z.string().nullable(),
        tenantId: z.uuid(),
        resourceData: z.null().optional(),
      }),
    )
    .min(1),
});

// change-notifications-lifecycle-events.md, and the observed organizationId variant [O].
const contractLifecycleNotifications = z.object({
  value: z
    .array(
      z
        .object({
          subscriptionId: z.string().min(1),
          subscriptionExpirationDateTime: dateTime,
          clientState: z.string().nullable(),
          lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']),
          tenantId: z.uuid().optional(),
          organizationId: z.uuid().optional(),
          resource: z.string().optional(),
        })
        .refine((n) => (n.tenantId === undefined) !== (n.organizationId === undefined), {
          message: 'exactly one of tenantId and organizationId',
        }),
    )
    .min(1),
});

describe('subscription and notification contracts', () => {
  it('the documented examples satisfy the schemas', () => {
    contractSubscription.parse(fixtureBody('subscription-created.json'));
    contractSubscriptionList.parse(fixtureBody('subscription-list.json'));
    contractChangeNotifications.parse(fixtureBody('change-notification.json'));
    contractLifecycleNotifications.parse(fixtureBody('lifecycle-reauthorization-required.json'));
    contractLifecycleNotifications.parse(fixtureBody('lifecycle-organization-id.json'));
  });

  it('the schemas reject what the docs rule out', () => {
    const created = fixtureBody('subscription-created.json') as Record<string, unknown>;
    expect(contractSubscription.safeParse({ ...created, changeType: 'created' }).success).toBe(false);
    expect(contractSubscription.safeParse({ ...created, clientState: 'x'.repeat(129) }).success).toBe(false);
    const list = fixtureBody('subscription-list.json') as { value: Record<string, unknown>[] };
    expect(contractSubscriptionList.safeParse({ value: [{ ...list.value[0], clientState: 'x' }] }).success).toBe(false);
    const lifecycle = fixtureBody('lifecycle-reauthorization-required.json') as { value: Record<string, unknown>[] };
    expect(
      contractLifecycleNotifications.safeParse({ value: [{ ...lifecycle.value[0], tenantId: undefined }] }).success,
    ).toBe(false);
  });

  describe('against the sandbox', () => {
    let sandbox: Sandbox;
    let receiver: WebhookReceiver;
    let control: SubscriptionsControl;
    let token: string;
    beforeAll(async () => {
      sandbox = await startTestSandbox();
      receiver = await WebhookReceiver.start();
      control = new SubscriptionsControl(sandbox.baseUrl);
      token = await userAccessToken(sandbox);
    });
    afterAll(async () => {
      await sandbox.stop();
      await receiver.close();
    });

    it('creates, lists and notifies in the documented shapes', async () => {
      const expiration = new Date((await sandbox.control.now()) + 30 * MINUTE).toISOString();
      const created = await subscriptionRequest(sandbox, token, 'POST', '', {
        changeType: 'updated',
        resource: '/me/drive/root',
        notificationUrl: `${receiver.baseUrl}/notify`,
        lifecycleNotificationUrl: `${receiver.baseUrl}/lifecycle`,
        expirationDateTime: expiration,
        clientState: 'contract-state',
      });
      expect(created.status, created.text).toBe(201);
      const subscription = contractSubscription.parse(created.body);
      contractSubscriptionList.parse((await subscriptionRequest(sandbox, token, 'GET')).body);

      const { rootId } = sandbox.context.tenant.requireDrive(sandbox.defaultDriveId);
      await sandbox.control.createFile(sandbox.defaultDriveId, rootId, 'contract.txt', 'c');
      // 30 minutes left: inside the reauthorization window, so a lifecycle notice goes out too.
      await control.sendLifecycle(subscription.id, {
        lifecycleEvent: 'missed',
        evenForDriveItem: true,
        organizationIdVariant: true,
      });
      await control.runDue();
      const bodies = (prefix: string) =>
        receiver.requests
          .filter((r) => r.url.startsWith(prefix) && r.body !== '')
          .map((r) => JSON.parse(r.body) as unknown);
      const changes = bodies('/notify');
      expect(changes.length).toBeGreaterThan(0);
      for (const body of changes) contractChangeNotifications.parse(body);
      const lifecycle = bodies('/lifecycle').flatMap((body) => contractLifecycleNotifications.parse(body).value);
      expect(lifecycle.map((n) => n.lifecycleEvent).sort()).toEqual(['missed', 'reauthorizationRequired']);
    });
  });
});
