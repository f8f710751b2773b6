// Rich Teams notifications end to end: a teams_channel webhook source subscribes with resource data
// and the local key ring's certificate; a post reaches the feed through a verified, decrypted
// notification; forged batches are answered 202 and dropped; a certificate rotation and a signing-key
// rotation at the sandbox authority lose nothing. Waits are bounded polls, never timing assertions.
// Not covered yet (not built): the post reaching the feed without a Graph read (the worker still runs
// a delta), see docs/notifications.md.
/* eslint-disable @typescript-eslint/no-unsafe-member-access */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LocalNotificationKeyRing } from '../../../shared/adapters/azure-tables/local-notification-key-ring.js';
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

const CHANNEL_SCOPES = ['ChannelMessage.Read.All', 'Channel.ReadBasic.All', 'offline_access'];

async function registerChannelSource(kbId: string) {
  const teams = bed.sandbox.teams;
  const team = teams.createTeam({ displayName: 'Mark 8 Project', memberIds: [bed.sandbox.defaultUserId] });
  const channelId = teams.createChannel(team.id, { displayName: 'Research' }).id;
  const { refreshToken } = await bed.sandbox.control.issueRefreshToken({
    userId: bed.sandbox.defaultUserId,
    scopes: CHANNEL_SCOPES,
  });
  const put = await bed.call('PUT', `kbs/${kbId}/sources/src`, {
    type: 'teams_channel',
    location: { teamId: team.id, channelId },
    refreshToken,
  });
  expect(put.status, put.text).toBe(201);
  const subscriptionId = await waitFor('the subscription', async () => {
    const id = (await bed.services.sources.get({ kbId, sourceId: 'src' }))?.record.subscriptionId;
    return id;
  });
  return { teamId: team.id, channelId, subscriptionId };
}

function post(teamId: string, channelId: string, text: string): string {
  return bed.sandbox.teams.postChannelMessage(teamId, channelId, {
    fromUserId: bed.sandbox.defaultUserId,
    body: `<p>${text}</p>`,
  }).id;
}

function rejections(): string[] {
  return bed.logLines.filter((line) => line.includes('webhook.rich_notifications_rejected'));
}

describe('rich Teams notifications', () => {
  test('a channel source subscribes with resource data, and a post reaches the feed through a verified notification', async () => {
    const kbId = uniqueName('kb');
    const { teamId, channelId, subscriptionId } = await registerChannelSource(kbId);
    const certificate = await bed.services.richNotifications!.keys.currentCertificate();
    const source = (await bed.services.sources.get({ kbId, sourceId: 'src' }))!.record;
    const accessToken = await bed.services.tokens.getAccessToken(source);
    const read = await fetch(`${bed.sandbox.graphBaseUrl}/subscriptions/${subscriptionId}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(await read.json()).toMatchObject({ includeResourceData: true, encryptionCertificateId: certificate.id });

    const before = rejections().length;
    const messageId = post(teamId, channelId, 'hello rich');
    await bed.waitForEvent(kbId, (event) => String(event.itemId).includes(messageId), 30_000);
    expect(rejections().slice(before)).toEqual([]);
    expect(bed.logLines.join('\n')).not.toContain('hello rich');
  });

  test('forged batches are answered 202 and dropped, with their reason logged', async () => {
    const kbId = uniqueName('kb');
    const { subscriptionId } = await registerChannelSource(kbId);
    const notification = {
      subscriptionId,
      changeType: 'created',
      tenantId: bed.sandbox.tenantId,
      resource: 'teams/x/channels/y/messages/z',
      encryptedContent: {
        data: 'AAAA',
        dataKey: 'AAAA',
        dataSignature: 'AAAA',
        encryptionCertificateId: 'unknown-certificate',
        encryptionCertificateThumbprint: 'AB',
      },
    };
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ aud: 'someone-else', iss: `https://sts.windows.net/${bed.sandbox.tenantId}/` }),
    ).toString('base64url')}.`;
    for (const body of [
      { value: [notification], validationTokens: [unsigned] },
      { value: [notification] },
      { value: [notification], validationTokens: ['not-a-jwt'] },
    ]) {
      const before = rejections().length;
      const answer = await fetch(`${bed.host.baseUrl}/api/webhooks/graph`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(answer.status).toBe(202);
      await waitFor('the rejection to be logged', () => rejections().length > before);
    }
    expect(bed.syncReasons(kbId)).not.toContain('notification');
  });

  test('a certificate rotation and a signing-key rotation lose no message', { timeout: 90_000 }, async () => {
    const kbId = uniqueName('kb');
    const { teamId, channelId } = await registerChannelSource(kbId);
    const keys = bed.services.richNotifications!.keys;
    expect(keys).toBeInstanceOf(LocalNotificationKeyRing);
    await (keys as LocalNotificationKeyRing).rotate();
    // The subscription still encrypts with the previous certificate: it still decrypts.
    const during = post(teamId, channelId, 'during the overlap');
    await bed.waitForEvent(kbId, (event) => String(event.itemId).includes(during), 30_000);

    const rotated = await fetch(`${bed.sandbox.baseUrl}/_sandbox/identity/signing-keys/rotate`, { method: 'POST' });
    expect(rotated.ok).toBe(true);
    // The verifier fetches the keys again for an unknown kid at most once per 30 s (jose's cooldown):
    // a token signed by the new key within 30 s of the last fetch is unknown_key (202, dropped; the
    // safety net finds the message). Real Entra publishes keys before signing with them; here the
    // cooldown is waited out so that the refetch itself is what is tested.
    await new Promise((resolve) => setTimeout(resolve, 31_000));
    const before = rejections().length;
    const after = post(teamId, channelId, 'after the key rotation');
    await bed.waitForEvent(kbId, (event) => String(event.itemId).includes(after), 30_000);
    expect(rejections().slice(before)).toEqual([]);
  });
});
