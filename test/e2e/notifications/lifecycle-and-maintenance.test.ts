// Lifecycle events, silent removal caught by maintenance, and a 1,000-notification burst, end to end
// through the local host against the sandbox. Waits are bounded polls, never timing assertions.
/* eslint-disable @typescript-eslint/no-unsafe-member-access */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { TABLES } from '../../../shared/adapters/storage/names.js';
import { watchSecretDigest } from '../../../shared/core/watch/watch-secret.js';
import { SubscriptionStore } from '../../../shared/adapters/azure-tables/subscription-store.js';
import { uniqueName } from '../../support/storage.js';
import { waitFor } from '../../support/host-wait.js';
import { startNotificationsTestBed, type NotificationsTestBed } from './notifications-test-bed.js';

let bed: NotificationsTestBed;

beforeAll(async () => {
  // Every maintenance run re-checks each subscription, so "the next run" finds a silent removal.
  bed = await startNotificationsTestBed({ SUBSCRIPTION_CHECK_INTERVAL_MINUTES: '0' });
}, 60_000);

afterAll(async () => {
  await bed?.stop();
});

async function currentSubscriptionId(kbId: string): Promise<string | undefined> {
  return (await bed.services.sources.get({ kbId, sourceId: 'src' }))?.record.subscriptionId;
}

async function requestsTo(pathPart: string, method: string): Promise<number> {
  const log = await bed.sandbox.control.requestLog();
  return log.filter((entry) => entry.method === method && entry.path.includes(pathPart)).length;
}

describe('lifecycle events', () => {
  test('reauthorizationRequired → POST /subscriptions/{id}/reauthorize', async () => {
    const kbId = uniqueName('kb');
    const { subscriptionId } = await bed.registerWebhookSource(kbId);
    await bed.subscriptionsControl.sendLifecycle(subscriptionId, { lifecycleEvent: 'reauthorizationRequired' });
    await waitFor('the reauthorize call', async () => (await requestsTo(`${subscriptionId}/reauthorize`, 'POST')) > 0);
    expect(await currentSubscriptionId(kbId)).toBe(subscriptionId);
  });

  test('reauthorizationRequired with organizationId instead of tenantId is handled the same way', async () => {
    const kbId = uniqueName('kb');
    const { subscriptionId } = await bed.registerWebhookSource(kbId);
    await bed.subscriptionsControl.sendLifecycle(subscriptionId, {
      lifecycleEvent: 'reauthorizationRequired',
      organizationIdVariant: true,
    });
    await waitFor('the reauthorize call', async () => (await requestsTo(`${subscriptionId}/reauthorize`, 'POST')) > 0);
  });

  test('when reauthorize fails, a renewing PATCH follows', async () => {
    const kbId = uniqueName('kb');
    const { subscriptionId } = await bed.registerWebhookSource(kbId);
    const patchesBefore = await requestsTo(`/subscriptions/${subscriptionId}`, 'PATCH');
    // More 503s than the Graph client retries, so the reauthorize call itself fails.
    await bed.sandbox.control.injectFault({
      method: 'POST',
      pathPattern: `/subscriptions/${subscriptionId}/reauthorize$`,
      kind: '503',
      count: 10,
      retryAfterSeconds: 0,
    });
    try {
      await bed.subscriptionsControl.sendLifecycle(subscriptionId, { lifecycleEvent: 'reauthorizationRequired' });
      await waitFor(
        'the renewing PATCH',
        async () => (await requestsTo(`/subscriptions/${subscriptionId}`, 'PATCH')) > patchesBefore,
      );
    } finally {
      await bed.sandbox.control.clearFaults();
    }
  });

  test('a permanently invalid token puts the source in needs_reauth', async () => {
    const kbId = uniqueName('kb');
    const { subscriptionId } = await bed.registerWebhookSource(kbId);
    await bed.sandbox.control.revokeGrant(bed.sandbox.defaultUserId);
    // Past the access token's lifetime, so the next Graph call needs a refresh, which now fails.
    await bed.sandbox.control.advanceClock(3 * 3_600_000);
    await bed.subscriptionsControl.sendLifecycle(subscriptionId, { lifecycleEvent: 'reauthorizationRequired' });
    const status = await waitFor('needs_reauth', async () => {
      const answer = await bed.call('GET', `kbs/${kbId}/sources/src`);
      const view = z.object({ state: z.string(), stateReason: z.string().nullish() }).parse(answer.json);
      return view.state === 'needs_reauth' ? view : undefined;
    });
    expect(status.stateReason).toEqual(expect.any(String));
  });

  test('subscriptionRemoved → a new subscription, then a delta that brings the changes made meanwhile', async () => {
    const kbId = uniqueName('kb');
    const { driveId, rootId, subscriptionId } = await bed.registerWebhookSource(kbId);
    const resubscribedBefore = bed.syncReasons(kbId).filter((reason) => reason === 'resubscribed').length;
    await bed.subscriptionsControl.sendLifecycle(subscriptionId, {
      lifecycleEvent: 'subscriptionRemoved',
      evenForDriveItem: true,
    });
    const file = await bed.sandbox.control.createFile(driveId, rootId, 'meanwhile.txt', 'x');
    const replacement = await waitFor('a new subscription', async () => {
      const id = await currentSubscriptionId(kbId);
      return id && id !== subscriptionId ? id : undefined;
    });
    expect((await bed.subscriptionsControl.list()).map((entry) => entry.id)).toContain(replacement);
    await bed.waitForEvent(kbId, (event) => event.itemId === file.id);
    await waitFor(
      'the closing delta',
      () => bed.syncReasons(kbId).filter((reason) => reason === 'resubscribed').length > resubscribedBefore,
    );
  });

  test('missed → a delta', async () => {
    const kbId = uniqueName('kb');
    const { subscriptionId } = await bed.registerWebhookSource(kbId);
    const before = bed.syncReasons(kbId).length;
    await bed.subscriptionsControl.sendLifecycle(subscriptionId, { lifecycleEvent: 'missed', evenForDriveItem: true });
    await waitFor('a sync after missed', () => bed.syncReasons(kbId).slice(before).includes('notification'));
  });
});

describe('maintenance', () => {
  test('a subscription removed silently is recreated by the next run, and changes made meanwhile reach the feed', async () => {
    const kbId = uniqueName('kb');
    const { driveId, rootId, subscriptionId } = await bed.registerWebhookSource(kbId);
    await bed.subscriptionsControl.removeSilently(subscriptionId);
    const file = await bed.sandbox.control.createFile(driveId, rootId, 'unnoticed.txt', 'x');

    await bed.runMaintenance();
    const replacement = await currentSubscriptionId(kbId);
    expect(replacement).toBeDefined();
    expect(replacement).not.toBe(subscriptionId);
    expect((await bed.subscriptionsControl.list()).map((entry) => entry.id)).toContain(replacement);
    await bed.waitForEvent(kbId, (event) => event.itemId === file.id);
  });
});

describe('coalescing', () => {
  test('1,000 notifications for one source within 10 s cause at most 3 delta syncs', async () => {
    const kbId = uniqueName('kb');
    const { driveId, rootId } = await bed.registerWebhookSource(kbId);
    const files: { id: string }[] = [];
    for (let i = 0; i < 10; i++) files.push(await bed.sandbox.control.createFile(driveId, rootId, `b${i}.txt`, 'v0'));
    // Let the creations' own sync finish first, so only the burst is counted.
    await bed.waitForEvent(kbId, (event) => event.itemId === files[9]!.id);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const deltaBefore = await bed.deltaRequests(driveId);
    const syncsBefore = bed.syncReasons(kbId).length;

    // The sandbox merges a subscription's changes into one notification per delivery window, as Graph
    // may, so its own deliveries cannot make 1,000. The test therefore also plays Graph: a second
    // subscription row for the same source with a clientState it knows, and 1,000 notifications
    // POSTed to the webhook within 10 s, while real edits happen in the drive (bounded in count and time).
    const clientState = randomBytes(32).toString('base64url');
    await new SubscriptionStore(bed.storage.table(TABLES.subscriptions)).put({
      watchId: `burst-${kbId}`,
      kbId,
      sourceId: 'src',
      issuer: bed.sandbox.tenantId,
      secretSha256: watchSecretDigest(clientState),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      createdAt: new Date().toISOString(),
    });
    // Graph batches notifications: 200 POSTs of 5 each, spread over ~9 s by 20 concurrent senders.
    const notification = {
      subscriptionId: `burst-${kbId}`,
      changeType: 'updated',
      clientState,
      tenantId: bed.sandbox.tenantId,
    };
    const body = JSON.stringify({ value: Array.from({ length: 5 }, () => notification) });
    const started = Date.now();
    const deadline = started + 9_500;
    let posted = 0;
    let accepted = 0;
    let edits = 0;
    const poster = async (lane: number) => {
      for (let i = lane; i < 200 && Date.now() < deadline; i += 20) {
        // Spread evenly over ~9 s: request i is not sent before its slot.
        const slot = started + i * 45;
        if (slot > Date.now()) await new Promise((resolve) => setTimeout(resolve, slot - Date.now()));
        const response = await fetch(`${bed.host.baseUrl}/api/webhooks/graph`, { method: 'POST', body });
        posted += 5;
        if (response.status === 202) accepted += 5;
      }
    };
    const editor = async () => {
      for (let i = 0; i < 100 && Date.now() < deadline; i++) {
        await bed.sandbox.control.updateFile(driveId, files[i % 10]!.id, `v${i}`);
        edits += 1;
        await new Promise((resolve) => setTimeout(resolve, 80));
      }
    };
    await Promise.all([editor(), ...Array.from({ length: 20 }, (_, lane) => poster(lane))]);
    const elapsedMs = Date.now() - started;
    const last = files[(edits - 1) % 10]!;
    const lastVersion = await bed.sandbox.control.getItem(driveId, last.id);

    await bed.waitForEvent(kbId, (event) => event.itemId === last.id && event.eTag === lastVersion.eTag, 30_000);
    // Any trailing sync has had time to run before counting.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const deltaSyncs = (await bed.deltaRequests(driveId)) - deltaBefore;
    const syncs = bed.syncReasons(kbId).length - syncsBefore;
    console.info(JSON.stringify({ posted, accepted, elapsedMs, edits, deltaSyncs, syncs }));
    expect(accepted).toBe(1_000);
    expect(deltaSyncs).toBeGreaterThanOrEqual(1);
    expect(deltaSyncs).toBeLessThanOrEqual(3);
  });
});
