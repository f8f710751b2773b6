// Issue 3 item 4: POST/GET/PATCH/reauthorize/DELETE /v1.0/subscriptions against the sandbox over
// real HTTPS, with a real webhook receiver on 127.0.0.1 answering the validation handshake.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { SubscriptionsControl } from '../../../dev/sandbox/subscriptions/subscriptions-control.js';
import { WebhookReceiver } from '../../../dev/sandbox/subscriptions/webhook-receiver.js';
import { graphErrorSchema } from './graph-test-schemas.js';
import { appAccessToken, startTestSandbox, userAccessToken, type HttpResult } from './sandbox-test-kit.js';
import { MINUTE, subscriptionRequest, subscriptionSchema } from './subscriptions-test-kit.js';

describe('sandbox subscriptions', () => {
  let sandbox: Sandbox;
  let control: SubscriptionsControl;
  let receiver: WebhookReceiver;
  let token: string;
  let now: number;

  const body = (overrides: Record<string, unknown> = {}) => ({
    changeType: 'updated',
    notificationUrl: `${receiver.baseUrl}/api/notifications?code=function-key`,
    resource: '/me/drive/root',
    expirationDateTime: new Date(now + 60 * MINUTE).toISOString(),
    clientState: 'secret-client-state',
    ...overrides,
  });
  const create = (overrides: Record<string, unknown> = {}, accessToken = token) =>
    subscriptionRequest(sandbox, accessToken, 'POST', '', body(overrides));
  const expectInvalid = (result: HttpResult, message: RegExp) => {
    expect(result.status, result.text).toBe(400);
    const error = graphErrorSchema.parse(result.body).error;
    expect(error.code).toBe('InvalidRequest');
    expect(error.message).toMatch(message);
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    control = new SubscriptionsControl(sandbox.baseUrl);
    receiver = await WebhookReceiver.start();
    token = await userAccessToken(sandbox);
  });
  afterAll(async () => {
    await sandbox.stop();
    await receiver.close();
  });
  beforeEach(async () => {
    receiver.behaviour = () => undefined;
    receiver.requests.length = 0;
    now = await sandbox.control.now();
  });

  it('creates a subscription after validating both URLs with an encoded token echoed as text/plain', async () => {
    const result = await create({ lifecycleNotificationUrl: `${receiver.baseUrl}/api/lifecycle?x=1` });
    expect(result.status, result.text).toBe(201);
    const subscription = subscriptionSchema.parse(result.body);
    expect(subscription.clientState).toBe('secret-client-state');
    expect(subscription.resource).toBe('/me/drive/root');
    expect(subscription.applicationId).toBe(sandbox.clientId);
    expect(subscription.creatorId).toBe(sandbox.defaultUserId);
    expect(subscription.lifecycleNotificationUrl).toBe(`${receiver.baseUrl}/api/lifecycle?x=1`);

    const validations = receiver.validationRequests();
    expect(validations.map((r) => r.url.split('validationToken=')[0])).toEqual([
      '/api/notifications?code=function-key&',
      '/api/lifecycle?x=1&',
    ]);
    for (const validation of validations) {
      expect(validation.method).toBe('POST');
      expect(validation.contentType).toBe('text/plain; charset=utf-8');
      expect(validation.body).toBe('');
      const raw = validation.url.split('validationToken=')[1]!;
      // The token needs encoding: the raw query differs from the decoded value the receiver echoed.
      expect(decodeURIComponent(raw)).not.toBe(raw);
    }
  });

  it('refuses the subscription when the endpoint echoes the raw token, not the decoded one', async () => {
    receiver.behaviour = (r) => {
      const raw = r.url.split('validationToken=')[1];
      return raw === undefined ? undefined : { status: 200, contentType: 'text/plain', body: raw };
    };
    expectInvalid(await create(), /Response must exactly match validationToken query parameter/);
  });

  it('refuses a validation answer that is not text/plain or not 200', async () => {
    receiver.behaviour = (_r, validationToken) =>
      validationToken === null ? undefined : { status: 200, contentType: 'application/json', body: validationToken };
    expectInvalid(await create(), /must exactly match validationToken/);
    receiver.behaviour = (_r, validationToken) => (validationToken === null ? undefined : { status: 202 });
    expectInvalid(await create(), /validation request failed/);
  });

  it('refuses when the lifecycle URL fails validation, even though the notification URL passed', async () => {
    receiver.behaviour = (r) => (r.url.startsWith('/lifecycle') ? { status: 500 } : undefined);
    expectInvalid(
      await create({ lifecycleNotificationUrl: `${receiver.baseUrl}/lifecycle` }),
      /validation request failed/,
    );
    expect(receiver.validationRequests()).toHaveLength(2);
  });

  it('times out a validation request that is not answered in time', async () => {
    // The validation timeout is shrunk from Graph's 10 s to 200 ms so the test is fast.
    await control.settings({ validationTimeoutMs: 200 });
    try {
      receiver.behaviour = (_r, validationToken) =>
        validationToken === null ? undefined : { status: 200, body: validationToken, delayMs: 1_000 };
      expectInvalid(await create(), /^Subscription validation request timed out\.$/);
    } finally {
      await control.settings({ validationTimeoutMs: 10_000 });
    }
  });

  it('enforces the driveItem rules before calling the endpoint', async () => {
    expectInvalid(await create({ changeType: 'created' }), /only the changeType 'updated'/);
    expectInvalid(await create({ changeType: 'updated,deleted' }), /only the changeType 'updated'/);
    expectInvalid(await create({ includeResourceData: true }), /Rich notifications/);
    expectInvalid(await create({ clientState: 'x'.repeat(129) }), /at most 128/);
    expect((await create({ clientState: 'x'.repeat(128) })).status).toBe(201);
    expectInvalid(
      await create({ expirationDateTime: new Date(now + 42_300 * MINUTE + MINUTE).toISOString() }),
      /42300 minutes/,
    );
    expect((await create({ expirationDateTime: new Date(now + 42_299 * MINUTE).toISOString() })).status).toBe(201);
    expectInvalid(await create({ expirationDateTime: new Date(now - MINUTE).toISOString() }), /future/);
    expectInvalid(await create({ resource: `/drives/${sandbox.defaultDriveId}` }), /drive itself/);
    receiver.requests.length = 0;
    expectInvalid(await create({ notificationUrl: 'http://example.com/api/notifications' }), /loopback/);
    expectInvalid(await create({ lifecycleNotificationUrl: 'https://10.0.0.1/hook' }), /loopback/);
    expectInvalid(await create({ notificationUrl: 'ftp://127.0.0.1/hook' }), /https/);
    expect(receiver.requests).toEqual([]);
  });

  it('accepts the root of a business drive by every path, but none of its folders or files', async () => {
    const driveId = sandbox.defaultDriveId;
    for (const resource of [`/drives/${driveId}/root`, `users/${sandbox.defaultUserId}/drive/root`, '/me/drive/root']) {
      expect((await create({ resource })).status, resource).toBe(201);
    }
    const { rootId } = sandbox.context.tenant.requireDrive(driveId);
    const folder = await sandbox.control.createFolder(driveId, rootId, 'Business folder');
    const file = await sandbox.control.createFile(driveId, folder.id, 'b.txt', 'b');
    expectInvalid(await create({ resource: `/drives/${driveId}/items/${folder.id}` }), /Only the root/);
    expectInvalid(await create({ resource: `/drives/${driveId}/items/${file.id}` }), /Only the root/);
  });

  it('accepts any folder of a personal drive, but not a file', async () => {
    const user = await sandbox.control.createUser({ displayName: 'Personal Owner' });
    const { driveId, rootId } = await sandbox.control.createDrive({ driveType: 'personal', ownerUserId: user.id });
    const folder = await sandbox.control.createFolder(driveId, rootId, 'Photos');
    const file = await sandbox.control.createFile(driveId, folder.id, 'a.txt', 'a');
    const app = await appAccessToken(sandbox);
    expect((await create({ resource: `/drives/${driveId}/items/${folder.id}` }, app)).status).toBe(201);
    expect((await create({ resource: `/drives/${driveId}/root` }, app)).status).toBe(201);
    expectInvalid(await create({ resource: `/drives/${driveId}/items/${file.id}` }, app), /Files cannot/);
    // App-only tokens have no /me.
    expectInvalid(await create({ resource: '/me/drive/root' }, app), /delegated/);
  });

  it('requires a valid bearer token', async () => {
    const result = await create({}, 'not-a-token');
    expect(result.status).toBe(401);
    expect(graphErrorSchema.parse(result.body).error.code).toBe('InvalidAuthenticationToken');
  });

  it('gets and lists with clientState null, renews, reauthorizes, deletes, and answers 404 for unknown ids', async () => {
    const created = subscriptionSchema.parse((await create()).body);
    const got = await subscriptionRequest(sandbox, token, 'GET', `/${created.id}`);
    expect(got.status).toBe(200);
    expect(subscriptionSchema.parse(got.body)).toMatchObject({ id: created.id, clientState: null });

    const list = z
      .object({ value: z.array(subscriptionSchema) })
      .parse((await subscriptionRequest(sandbox, token, 'GET')).body);
    expect(list.value.map((s) => s.id)).toContain(created.id);
    expect(list.value.every((s) => s.clientState === null)).toBe(true);

    const renewedTo = new Date(now + 3 * 24 * 60 * MINUTE).toISOString();
    const renewed = await subscriptionRequest(sandbox, token, 'PATCH', `/${created.id}`, {
      expirationDateTime: renewedTo,
    });
    expect(renewed.status).toBe(200);
    expect(subscriptionSchema.parse(renewed.body).expirationDateTime).toBe(renewedTo);
    expectInvalid(
      await subscriptionRequest(sandbox, token, 'PATCH', `/${created.id}`, {
        expirationDateTime: new Date(now + 42_301 * MINUTE).toISOString(),
      }),
      /42300 minutes/,
    );

    expect((await subscriptionRequest(sandbox, token, 'POST', `/${created.id}/reauthorize`)).status).toBe(204);
    expect((await subscriptionRequest(sandbox, token, 'DELETE', `/${created.id}`)).status).toBe(204);
    for (const [method, path] of [
      ['GET', `/${created.id}`],
      ['PATCH', `/${created.id}`],
      ['DELETE', `/${created.id}`],
      ['POST', `/${created.id}/reauthorize`],
      ['GET', '/00000000-0000-0000-0000-000000000000'],
    ] as const) {
      const result = await subscriptionRequest(
        sandbox,
        token,
        method,
        path,
        method === 'PATCH' ? { expirationDateTime: renewedTo } : undefined,
      );
      expect(result.status, `${method} ${path}`).toBe(404);
    }
  });

  it('lets an expired subscription disappear on the sandbox clock', async () => {
    const created = subscriptionSchema.parse(
      (await create({ expirationDateTime: new Date(now + 5 * MINUTE).toISOString() })).body,
    );
    expect((await subscriptionRequest(sandbox, token, 'GET', `/${created.id}`)).status).toBe(200);
    await sandbox.control.advanceClock(5 * MINUTE + 1_000);
    expect((await subscriptionRequest(sandbox, token, 'GET', `/${created.id}`)).status).toBe(404);
    expect(
      (
        await subscriptionRequest(sandbox, token, 'PATCH', `/${created.id}`, {
          expirationDateTime: new Date(now + 60 * MINUTE).toISOString(),
        })
      ).status,
    ).toBe(404);
    expect((await control.list()).map((s) => s.id)).not.toContain(created.id);
  });
});
