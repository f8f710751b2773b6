// Subscriptions against the sandbox (with its validation handshake against a real receiver on
// 127.0.0.1): create on the drive root, renew, reauthorize, delete, and the gone-subscription paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionsControl } from '../../../dev/sandbox/subscriptions/subscriptions-control.js';
import { WebhookReceiver } from '../../../dev/sandbox/subscriptions/webhook-receiver.js';
import type { SourceRecord } from '../../../shared/core/domain/source.js';
import { NotFoundError, PermanentSourceError } from '../../../shared/core/domain/errors.js';
import type { SubscriptionRequest } from '../../../shared/core/ports/provider-ports.js';
import { startProviderHarness, type ProviderHarness } from '../../support/provider-harness.js';
import { sourceRecordFor } from '../../support/provider-source-record.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('OneDrive provider: subscriptions against the sandbox', () => {
  let harness: ProviderHarness;
  let receiver: WebhookReceiver;
  let subscriptions: SubscriptionsControl;
  let business: SourceRecord;
  let personal: SourceRecord;

  const request = async (): Promise<SubscriptionRequest> => ({
    notificationUrl: `${receiver.baseUrl}/api/webhooks/graph`,
    lifecycleNotificationUrl: `${receiver.baseUrl}/api/webhooks/graph/lifecycle`,
    clientState: 'a-client-state-that-is-a-secret',
    expirationDateTime: new Date((await harness.sandbox.control.now()) + 2 * DAY_MS).toISOString(),
  });

  beforeAll(async () => {
    harness = await startProviderHarness();
    receiver = await WebhookReceiver.start();
    subscriptions = new SubscriptionsControl(harness.sandbox.baseUrl);
    const { control, defaultUserId } = harness.sandbox;
    business = sourceRecordFor(
      (await control.createDrive({ driveType: 'business', ownerUserId: defaultUserId })).driveId,
    );
    const personalDrive = await control.createDrive({ driveType: 'personal', ownerUserId: defaultUserId });
    personal = sourceRecordFor(personalDrive.driveId, { driveType: 'personal' });
  });

  afterAll(async () => {
    await receiver.close();
    await harness.stop();
  });

  it('creates a subscription on the drive root after the validation handshake, for both drive kinds', async () => {
    for (const source of [business, personal]) {
      const info = await harness.provider.createSubscription(source, await request());
      expect(info.id).not.toBe('');
      expect(Date.parse(info.expirationDateTime)).toBeGreaterThan(await harness.sandbox.control.now());
      const listed = (await subscriptions.list()).find((subscription) => subscription.id === info.id);
      expect(listed?.resource).toBe(`/drives/${source.driveId}/root`);
    }
    expect(receiver.requests.some((received) => received.url.includes('validationToken='))).toBe(true);
  });

  it('renews (new expiration) and reauthorizes a live subscription', async () => {
    const info = await harness.provider.createSubscription(business, await request());
    const later = new Date((await harness.sandbox.control.now()) + 3 * DAY_MS).toISOString();
    const renewed = await harness.provider.renewSubscription(business, info.id, later);
    expect(renewed.id).toBe(info.id);
    expect(Date.parse(renewed.expirationDateTime)).toBe(Date.parse(later));
    await expect(harness.provider.reauthorizeSubscription(business, info.id)).resolves.toBeUndefined();
  });

  it('a subscription Graph removed: renew and reauthorize say NotFound, delete is fine', async () => {
    const info = await harness.provider.createSubscription(business, await request());
    await subscriptions.removeSilently(info.id);
    const later = new Date((await harness.sandbox.control.now()) + DAY_MS).toISOString();
    await expect(harness.provider.renewSubscription(business, info.id, later)).rejects.toBeInstanceOf(NotFoundError);
    await expect(harness.provider.reauthorizeSubscription(business, info.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(harness.provider.deleteSubscription(business, info.id)).resolves.toBeUndefined();
  });

  it('deletes a live subscription', async () => {
    const info = await harness.provider.createSubscription(business, await request());
    await harness.provider.deleteSubscription(business, info.id);
    expect((await subscriptions.list()).map((subscription) => subscription.id)).not.toContain(info.id);
  });

  it('a failed validation handshake is a 400 PermanentSourceError that does not leak the clientState', async () => {
    receiver.behaviour = (_received, validationToken) =>
      validationToken === null ? undefined : { status: 200, contentType: 'text/plain', body: 'wrong echo' };
    try {
      const error = await harness.provider
        .createSubscription(business, await request())
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PermanentSourceError);
      expect((error as PermanentSourceError).status).toBe(400);
      expect((error as Error).message).not.toContain('a-client-state-that-is-a-secret');
    } finally {
      receiver.behaviour = () => undefined;
    }
  });
});
