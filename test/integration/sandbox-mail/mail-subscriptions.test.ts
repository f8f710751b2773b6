// Message subscriptions (subscription resource, outlook-change-notifications-overview,
// change-notifications-lifecycle-events) over real HTTP: creation with the validation handshake,
// one notification per changed message naming it, immutable ids when asked for at creation,
// moves as deleted + created, lifecycle missed and subscriptionRemoved (which really removes),
// and the limits on changeType and expiration.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { SubscriptionsControl } from '../../../dev/sandbox/subscriptions/subscriptions-control.js';
import { WebhookReceiver } from '../../../dev/sandbox/subscriptions/webhook-receiver.js';
import { appAccessToken, request, startTestSandbox } from '../sandbox/sandbox-test-kit.js';
import { expectGraphError, IMMUTABLE, mailToken } from './mail-test-kit.js';

const MINUTE = 60_000;

const messageNotificationSchema = z
  .object({
    subscriptionId: z.string(),
    subscriptionExpirationDateTime: z.iso.datetime(),
    changeType: z.enum(['created', 'updated', 'deleted']),
    resource: z.string().regex(/^Users\/[^/]+\/Messages\/[^/]+$/),
    clientState: z.string().nullable(),
    tenantId: z.string(),
    resourceData: z
      .object({
        '@odata.type': z.literal('#Microsoft.Graph.Message'),
        '@odata.id': z.string(),
        '@odata.etag': z.string().regex(/^W\/"[^"]+"$/),
        id: z.string(),
      })
      .strict(),
  })
  .strict();
type MessageNotification = z.infer<typeof messageNotificationSchema>;

const lifecycleSchema = z
  .object({
    subscriptionId: z.string(),
    subscriptionExpirationDateTime: z.iso.datetime(),
    tenantId: z.string(),
    clientState: z.string().nullable(),
    lifecycleEvent: z.enum(['missed', 'subscriptionRemoved', 'reauthorizationRequired']),
  })
  .strict();

describe('mail sandbox subscriptions', () => {
  let sandbox: Sandbox;
  let control: SubscriptionsControl;
  let receiver: WebhookReceiver;
  let token: string;
  let userId: string;

  const subscribe = async (body: Record<string, unknown>, headers: Record<string, string> = {}, accessToken = token) =>
    request(`${sandbox.graphBaseUrl}/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        changeType: 'created,updated,deleted',
        notificationUrl: `${receiver.baseUrl}/api/mail`,
        lifecycleNotificationUrl: `${receiver.baseUrl}/api/lifecycle`,
        resource: 'me/messages',
        expirationDateTime: new Date((await sandbox.control.now()) + 3 * 24 * 60 * MINUTE).toISOString(),
        clientState: 'mail-state',
        ...body,
      }),
    });
  const created = async (body: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const result = await subscribe(body, headers);
    if (result.status !== 201) throw new Error(`subscription answered ${result.status}: ${result.text}`);
    return z.object({ id: z.string(), changeType: z.string(), resource: z.string() }).parse(result.body);
  };
  const notifications = async (): Promise<MessageNotification[]> => {
    await control.runDue();
    return receiver
      .notificationBatches('/api/mail')
      .flatMap((batch) => batch.value.map((n) => messageNotificationSchema.parse(n)));
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    control = new SubscriptionsControl(sandbox.baseUrl);
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await sandbox.stop();
    await receiver.close();
  });
  beforeEach(async () => {
    await sandbox.control.reset();
    userId = sandbox.defaultUserId;
    token = await mailToken(sandbox);
    receiver.requests.length = 0;
    receiver.behaviour = () => undefined;
  });

  it('validates both URLs, then sends a created notification naming the delivered message', async () => {
    const subscription = await created();
    expect(subscription.changeType).toBe('created,updated,deleted');
    expect(receiver.validationRequests().map((r) => r.url.split('?')[0])).toEqual(['/api/mail', '/api/lifecycle']);

    const id = sandbox.mail.deliver(userId, { subject: 'hello', from: 'dana@contoso.test' }).id;
    const regularId = sandbox.mail.regularId(userId, id);
    const [notification, ...rest] = await notifications();
    expect(rest).toEqual([]);
    expect(notification).toMatchObject({
      subscriptionId: subscription.id,
      changeType: 'created',
      clientState: 'mail-state',
      tenantId: sandbox.tenantId,
      resource: `Users/${userId}/Messages/${regularId}`,
      resourceData: { '@odata.id': `Users/${userId}/Messages/${regularId}`, id: regularId },
    });
  });

  it('uses immutable ids when the subscription was created with the ImmutableId preference; a move is deleted + created', async () => {
    await created({}, IMMUTABLE);
    const id = sandbox.mail.deliver(userId, { subject: 'moving', from: 'dana@contoso.test' }).id;
    sandbox.mail.markRead(userId, id, true);
    sandbox.mail.moveMessage(userId, id, sandbox.mail.folderId(userId, 'archive'));
    const seen = await notifications();
    expect(seen.map((n) => [n.changeType, n.resourceData.id])).toEqual([
      ['created', id],
      ['updated', id],
      ['deleted', id],
      ['created', id],
    ]);
  });

  it('a folder subscription sees a message moved out as deleted, and only the change types it asked for', async () => {
    await created({ resource: "me/mailFolders('Inbox')/messages", changeType: 'deleted' });
    const id = sandbox.mail.deliver(userId, { subject: 'leaving', from: 'dana@contoso.test' }).id;
    const regularInInbox = sandbox.mail.regularId(userId, id);
    sandbox.mail.deliver(userId, { folderId: 'archive', subject: 'elsewhere', from: 'dana@contoso.test' });
    sandbox.mail.moveMessage(userId, id, sandbox.mail.folderId(userId, 'archive'));
    const seen = await notifications();
    expect(seen.map((n) => [n.changeType, n.resourceData.id])).toEqual([['deleted', regularInInbox]]);
  });

  it('sends missed and subscriptionRemoved to the lifecycle URL; a removed subscription is gone', async () => {
    const subscription = await created();
    sandbox.mail.sendLifecycleEvent(subscription.id, 'missed');
    sandbox.mail.sendLifecycleEvent(subscription.id, 'subscriptionRemoved');
    await control.runDue();
    const events = receiver
      .notificationBatches('/api/lifecycle')
      .flatMap((batch) => batch.value.map((n) => lifecycleSchema.parse(n)));
    expect(events.map((event) => [event.lifecycleEvent, event.subscriptionId, event.clientState])).toEqual([
      ['missed', subscription.id, 'mail-state'],
      ['subscriptionRemoved', subscription.id, 'mail-state'],
    ]);
    const get = await request(`${sandbox.graphBaseUrl}/subscriptions/${subscription.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(get.status).toBe(404);
    sandbox.mail.deliver(userId, { subject: 'after removal', from: 'dana@contoso.test' });
    expect(await notifications()).toEqual([]);
  });

  it('refuses an expiration over 10,080 minutes and unknown change types', async () => {
    const now = await sandbox.control.now();
    const over = await subscribe({ expirationDateTime: new Date(now + 10_081 * MINUTE).toISOString() });
    expect(expectGraphError(over, 400, 'InvalidRequest').message).toContain('10080 minutes');
    const atMax = await subscribe({ expirationDateTime: new Date(now + 10_079 * MINUTE).toISOString() });
    expect(atMax.status, atMax.text).toBe(201);
    expectGraphError(await subscribe({ changeType: 'created,moved' }), 400, 'InvalidRequest');
  });

  it('needs Mail.Read and the caller’s own mailbox, and resolves users/{id} for app-only callers', async () => {
    const other = await sandbox.control.createUser({ displayName: 'Other' });
    expectGraphError(await subscribe({ resource: `users/${other.id}/messages` }), 403, 'ExtensionError');
    const app = await appAccessToken(sandbox);
    expectGraphError(await subscribe({}, {}, app), 400, 'InvalidRequest');
    const appSubscription = await subscribe({ resource: `users/${other.id}/mailFolders/inbox/messages` }, {}, app);
    expect(appSubscription.status, appSubscription.text).toBe(201);
    sandbox.mail.deliver(other.id, { subject: 'for other', from: 'dana@contoso.test' });
    expect((await notifications()).map((n) => n.changeType)).toEqual(['created']);
  });
});
