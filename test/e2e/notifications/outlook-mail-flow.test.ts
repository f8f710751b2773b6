// Issue 13 "Must show", end to end through the local host against the sandbox's mailboxes: a mail
// subscription notifying a new message into the feed with no poll; `subscriptionRemoved` and `missed`
// each ending with every message in the feed; a forged notification for the mail subscription
// answered as for drives with nothing enqueued; the MIME content and an attachment over HTTP.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uniqueName } from '../../support/storage.js';
import { waitFor } from '../../support/host-wait.js';
import { startNotificationsTestBed, type NotificationsTestBed } from './notifications-test-bed.js';

let bed: NotificationsTestBed;

beforeAll(async () => {
  bed = await startNotificationsTestBed();
}, 60_000);

afterAll(async () => {
  await bed?.stop();
});

const user = () => bed.sandbox.defaultUserId;

/** A delegated mail source on the default user's mailbox (its own folder, so tests do not meet). */
async function registerMailSource(kbId: string): Promise<{ folderId: string; subscriptionId: string }> {
  const mail = bed.sandbox.mail;
  const folder = mail.createFolder(user(), { parentFolderId: mail.folderId(user(), 'inbox'), displayName: kbId });
  mail.deliver(user(), { folderId: folder.id, subject: 'seed', from: 'megan@contoso.com' });
  const { refreshToken } = await bed.sandbox.control.issueRefreshToken({
    userId: user(),
    scopes: ['Mail.Read', 'User.Read', 'offline_access'],
  });
  const put = await bed.call('PUT', `kbs/${kbId}/sources/src`, {
    type: 'outlook_mail',
    location: { mailbox: { me: true }, folders: [folder.id] },
    refreshToken,
  });
  expect(put.status, put.text).toBe(201);
  expect(put.json.mode).toBe('webhook');
  const subscriptionId = await waitFor('the mail subscription', async () => {
    const id = (await bed.services.sources.get({ kbId, sourceId: 'src' }))?.record.subscriptionId;
    return id && bed.syncReasons(kbId).includes('resubscribed') ? id : undefined;
  });
  await bed.waitForEvent(kbId, (event) => event.path === `/${kbId}/seed.eml`);
  return { folderId: folder.id, subscriptionId };
}

async function messageDeltaRequests(folderId: string): Promise<number> {
  const log = await bed.sandbox.control.requestLog();
  return log.filter((entry) => entry.path.includes(folderId) && entry.path.includes('messages/delta')).length;
}

describe('an Outlook mail source', () => {
  test('a new message reaches the feed through the subscription, with no poll', async () => {
    const kbId = uniqueName('kb');
    const { folderId } = await registerMailSource(kbId);
    const before = await messageDeltaRequests(folderId);
    const hello = bed.sandbox.mail.deliver(user(), {
      folderId,
      subject: 'Hello',
      from: 'megan@contoso.com',
      to: ['adele@contoso.com'],
    });
    const event = await bed.waitForEvent(kbId, (e) => e.itemId === hello.id);
    expect(event).toMatchObject({ op: 'upsert', kind: 'message', path: `/${kbId}/Hello.eml`, contentChanged: true });
    expect(event.message).toMatchObject({ from: 'megan@contoso.com', subject: 'Hello', toCount: 1 });
    // The sync that found it was the notification's: delta ran once more for the folder, not on a schedule.
    await waitFor('the notification sync', () => bed.syncReasons(kbId).includes('notification'));
    expect(bed.syncReasons(kbId).filter((reason) => reason === 'poll')).toEqual([]);
    expect(await messageDeltaRequests(folderId)).toBeGreaterThan(before);
  });

  test('subscriptionRemoved: a new subscription, and every message sent meanwhile is in the feed', async () => {
    const kbId = uniqueName('kb');
    const { folderId, subscriptionId } = await registerMailSource(kbId);
    bed.sandbox.mail.sendLifecycleEvent(subscriptionId, 'subscriptionRemoved');
    // Sent while no subscription exists: no notification will ever say so.
    const sent = [1, 2, 3].map(
      (n) => bed.sandbox.mail.deliver(user(), { folderId, subject: `m${n}`, from: 'a@b.com' }).id,
    );
    const renewed = await waitFor('a new subscription', async () => {
      const id = (await bed.services.sources.get({ kbId, sourceId: 'src' }))?.record.subscriptionId;
      return id && id !== subscriptionId ? id : undefined;
    });
    expect(renewed).not.toBe(subscriptionId);
    await waitFor('every message in the feed', async () => {
      const ids = new Set((await bed.feed(kbId)).map((event) => event.itemId));
      return sent.every((id) => ids.has(id));
    });
  });

  test('missed: notifications that never came are caught up', async () => {
    const kbId = uniqueName('kb');
    const { folderId, subscriptionId } = await registerMailSource(kbId);
    // Hold deliveries back, then drop them: these changes are never notified.
    await bed.subscriptionsControl.settings({ deliveryLatencyMs: 60_000 });
    const lost = [1, 2].map(
      (n) => bed.sandbox.mail.deliver(user(), { folderId, subject: `lost${n}`, from: 'a@b.com' }).id,
    );
    expect((await bed.subscriptionsControl.dropUnsent()).dropped).toBeGreaterThan(0);
    await bed.subscriptionsControl.settings({ deliveryLatencyMs: 50 });
    const feedIds = new Set((await bed.feed(kbId)).map((event) => event.itemId));
    expect(lost.some((id) => feedIds.has(id))).toBe(false);
    bed.sandbox.mail.sendLifecycleEvent(subscriptionId, 'missed');
    await waitFor('the missed messages in the feed', async () => {
      const ids = new Set((await bed.feed(kbId)).map((event) => event.itemId));
      return lost.every((id) => ids.has(id));
    });
    // `missed` asks for a catch-up sync, as a notification does.
    expect(bed.logLines.some((line) => line.includes('lifecycle.handled') && line.includes('"missed"'))).toBe(true);
  });

  test('a forged notification for the mail subscription is refused and nothing is enqueued', async () => {
    const kbId = uniqueName('kb');
    const { subscriptionId } = await registerMailSource(kbId);
    const syncsBefore = bed.syncReasons(kbId).length;
    const forged = await fetch(`${bed.host.baseUrl}/api/webhooks/graph`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        value: [
          {
            subscriptionId,
            clientState: 'not-the-secret',
            changeType: 'created',
            resource: `Users/${user()}/Messages/forged`,
            tenantId: bed.sandbox.tenantId,
            subscriptionExpirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
          },
        ],
      }),
    });
    // As for drives (docs/notifications.md): 202, so Graph does not retry, and the notification is dropped.
    expect(forged.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(bed.syncReasons(kbId).length).toBe(syncsBefore);
    expect(bed.logLines.some((line) => line.includes('webhook.notifications_rejected'))).toBe(true);
  });

  test('serves a message as MIME and its attachment over HTTP, streamed from Graph', async () => {
    const kbId = uniqueName('kb');
    const { folderId } = await registerMailSource(kbId);
    const report = bed.sandbox.mail.deliver(user(), {
      folderId,
      subject: 'Report',
      from: 'megan@contoso.com',
      body: 'see attached',
      attachments: [{ name: 'numbers.csv', contentType: 'text/csv', content: 'a,b\n1,2\n' }],
    });
    await bed
      .waitForEvent(kbId, (e) => e.itemId === report.id)
      .catch((error: unknown) => {
        console.log(bed.logLines.filter((line) => line.includes(kbId) && /error|warn|fail/i.test(line)).join('\n'));
        throw error;
      });
    const mime = await bed.call('GET', `kbs/${kbId}/sources/src/items/${report.id}/content`);
    expect(mime.status).toBe(200);
    expect(mime.text).toMatch(/^Subject: Report/m);
    const list = await bed.call('GET', `kbs/${kbId}/sources/src/items/${report.id}/attachments`);
    expect(list.status).toBe(200);
    expect(list.json.value).toEqual([expect.objectContaining({ name: 'numbers.csv', contentType: 'text/csv' })]);
    const bytes = await bed.call(
      'GET',
      `kbs/${kbId}/sources/src/items/${report.id}/attachments/${list.json.value[0].id}/content`,
    );
    expect(bytes.status).toBe(200);
    expect(bytes.text).toBe('a,b\n1,2\n');
    const unknown = await bed.call('GET', `kbs/${kbId}/sources/src/items/not-a-known-item/attachments`);
    expect(unknown.status).toBe(404);
  });
});
