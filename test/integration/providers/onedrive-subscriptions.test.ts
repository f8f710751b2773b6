// Subscriptions against the sandbox (with its validation handshake against a real receiver on
// 127.0.0.1): create on the drive root, renew, reauthorize, delete, and the gone-subscription paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionsControl } from '../../../dev/sandbox/subscriptions/subscriptions-control.js';
import { WebhookReceiver } from '../../../dev/sandbox/subscriptions/webhook-receiver.js';
import type { SourceRecord } from '../../../shared/core/domain/source.js';
import { NotFoundError, PermanentSourceError } from '../../../shared/core/domain/errors.js';
import type { WatchRequest } from '../../../shared/core/ports/watch-source.js';
import { DriveWatch } from '../../../shared/providers/microsoft/drive/drive-watch.js';
import { createProviderRegistry } from '../../../shared/app/provider-registry.js';
import { startProviderHarness, type ProviderHarness } from '../../support/provider-harness.js';
import { driveView, sourceRecordFor } from '../../support/source-record.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('OneDrive provider: subscriptions against the sandbox', () => {
  let harness: ProviderHarness;
  let receiver: WebhookReceiver;
  let subscriptions: SubscriptionsControl;
  let business: SourceRecord;
  let personal: SourceRecord;

  const request = async (): Promise<WatchRequest> => ({
    callbackUrl: `${receiver.baseUrl}/api/webhooks/graph`,
    lifecycleUrl: `${receiver.baseUrl}/api/webhooks/graph/lifecycle`,
    secret: 'a-client-state-that-is-a-secret',
    expiresAt: new Date((await harness.sandbox.control.now()) + 2 * DAY_MS).toISOString(),
  });
  /** The drive provider's watch capability (Graph subscriptions). */
  const watch = (): DriveWatch => {
    const { watch: capability } = harness.provider;
    if (!(capability instanceof DriveWatch)) throw new Error('the drive provider watches through DriveWatch');
    return capability;
  };

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
      const info = await watch().create(source, await request());
      expect(info.watchId).not.toBe('');
      expect(Date.parse(info.expiresAt)).toBeGreaterThan(await harness.sandbox.control.now());
      const listed = (await subscriptions.list()).find((subscription) => subscription.id === info.watchId);
      expect(listed?.resource).toBe(`/drives/${driveView(source).driveId}/root`);
    }
    expect(receiver.requests.some((received) => received.url.includes('validationToken='))).toBe(true);
  });

  it('renews (new expiration) and reauthorizes a live subscription', async () => {
    const info = await watch().create(business, await request());
    const later = new Date((await harness.sandbox.control.now()) + 3 * DAY_MS).toISOString();
    const renewed = await watch().renew(business, info.watchId, later);
    expect(renewed.watchId).toBe(info.watchId);
    expect(Date.parse(renewed.expiresAt)).toBe(Date.parse(later));
    await expect(watch().reauthorize(business, info.watchId)).resolves.toBeUndefined();
  });

  it('a subscription Graph removed: renew and reauthorize say NotFound, delete is fine', async () => {
    const info = await watch().create(business, await request());
    await subscriptions.removeSilently(info.watchId);
    const later = new Date((await harness.sandbox.control.now()) + DAY_MS).toISOString();
    await expect(watch().renew(business, info.watchId, later)).rejects.toBeInstanceOf(NotFoundError);
    await expect(watch().reauthorize(business, info.watchId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(watch().delete(business, { watchId: info.watchId })).resolves.toBeUndefined();
  });

  it('pins the subscription to the configured tenant, and to none for a multi-tenant app', async () => {
    const watchIn = (tenantId: string) =>
      createProviderRegistry({ graphBaseUrl: harness.sandbox.graphBaseUrl, tokens: harness.tokens, tenantId }).get(
        'onedrive',
      ).watch;
    const pinned = await watchIn(harness.sandbox.tenantId)?.create(business, await request());
    expect(pinned?.issuer).toBe(harness.sandbox.tenantId);
    const unpinned = await watchIn('organizations')?.create(business, await request());
    expect(unpinned).toBeDefined();
    expect(unpinned?.issuer).toBeUndefined();
  });

  it('deletes a live subscription', async () => {
    const info = await watch().create(business, await request());
    await watch().delete(business, { watchId: info.watchId });
    expect((await subscriptions.list()).map((subscription) => subscription.id)).not.toContain(info.watchId);
  });

  it('a failed validation handshake is a 400 PermanentSourceError that does not leak the clientState', async () => {
    receiver.behaviour = (_received, validationToken) =>
      validationToken === null ? undefined : { status: 200, contentType: 'text/plain', body: 'wrong echo' };
    try {
      const error = await watch()
        .create(business, await request())
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PermanentSourceError);
      expect((error as PermanentSourceError).status).toBe(400);
      expect((error as Error).message).not.toContain('a-client-state-that-is-a-secret');
    } finally {
      receiver.behaviour = () => undefined;
    }
  });
});
