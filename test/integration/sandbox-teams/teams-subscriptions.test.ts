// chatMessage subscriptions over real HTTP(S) (teams-changenotifications-chatmessage, subscription
// resource lifetimes, change-notifications-with-resource-data): the 1-hour lifecycleNotificationUrl
// rule with its documented message, the 4,320-minute cap, plain notifications naming the message,
// rich ones whose encryptedContent this test decrypts itself from the documented algorithm, and whose
// validationTokens it verifies against the JWKS the common OpenID configuration points to, across a
// key rotation. Verification uses node:crypto only (no JWT library), so the test depends on nothing
// the sandbox uses.
import {
  constants,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  privateDecrypt,
  verify,
  type JsonWebKey,
} from 'node:crypto';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SubscriptionsControl } from '../../../dev/sandbox/subscriptions/subscriptions-control.js';
import { WebhookReceiver } from '../../../dev/sandbox/subscriptions/webhook-receiver.js';
import { request } from '../sandbox/sandbox-test-kit.js';
import { chatMessageSchema, expectGraphError, tokenWithScopes, useTeamsSandbox } from './teams-test-kit.js';

const MINUTE = 60_000;
const PUBLISHER_APPID = '0bf30f3b-4a52-48df-9a82-234910c4a086';

const encryptedContentSchema = z
  .object({
    data: z.string(),
    dataSignature: z.string(),
    dataKey: z.string(),
    encryptionCertificateId: z.string(),
    encryptionCertificateThumbprint: z.string().regex(/^[0-9A-F]{40}$/),
  })
  .strict();

const notificationSchema = z
  .object({
    subscriptionId: z.string(),
    changeType: z.enum(['created', 'updated', 'deleted']),
    clientState: z.string().nullable(),
    subscriptionExpirationDateTime: z.iso.datetime(),
    resource: z.string(),
    tenantId: z.string(),
    resourceData: z
      .object({ id: z.string(), '@odata.type': z.literal('#Microsoft.Graph.chatMessage'), '@odata.id': z.string() })
      .strict(),
    encryptedContent: encryptedContentSchema.optional(),
  })
  .strict();

const batchSchema = z
  .object({ value: z.array(notificationSchema), validationTokens: z.array(z.string()).optional() })
  .strict();

interface TestCertificate {
  /** Base64 DER, as encryptionCertificate wants it. */
  base64: string;
  privateKeyPem: string;
  thumbprint: string;
}

async function makeCertificate(): Promise<TestCertificate> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'teams-notifications-test' }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  const base64 = pems.cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  const thumbprint = createHash('sha1').update(Buffer.from(base64, 'base64')).digest('hex').toUpperCase();
  return { base64, privateKeyPem: pems.private, thumbprint };
}

/** The page's "Decrypting resource data" steps 3–6, written here from the page, not from the sandbox. */
function decrypt(content: z.infer<typeof encryptedContentSchema>, privateKeyPem: string): unknown {
  const symmetricKey = privateDecrypt(
    { key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(content.dataKey, 'base64'),
  );
  const encrypted = Buffer.from(content.data, 'base64');
  const signature = createHmac('sha256', symmetricKey).update(encrypted).digest('base64');
  if (signature !== content.dataSignature) throw new Error('dataSignature does not match: tampered payload');
  const decipher = createDecipheriv('aes-256-cbc', symmetricKey, symmetricKey.subarray(0, 16));
  return JSON.parse(Buffer.concat([decipher.update(encrypted), decipher.final()]).toString('utf8'));
}

/** RS256 verification of a JWT against a JWKS: signature by the key its kid names, then the claims. */
function verifyJwt(token: string, jwks: { keys: (JsonWebKey & { kid: string })[] }): Record<string, unknown> {
  const [header64, claims64, signature64] = token.split('.');
  const header = JSON.parse(Buffer.from(header64!, 'base64url').toString()) as { alg: string; kid: string };
  if (header.alg !== 'RS256') throw new Error(`alg ${header.alg}`);
  const jwk = jwks.keys.find((key) => key.kid === header.kid);
  if (!jwk) throw new Error(`no key ${header.kid} in the JWKS`);
  const ok = verify(
    'RSA-SHA256',
    Buffer.from(`${header64}.${claims64}`),
    createPublicKey({ key: jwk, format: 'jwk' }),
    Buffer.from(signature64!, 'base64url'),
  );
  if (!ok) throw new Error('bad signature');
  return JSON.parse(Buffer.from(claims64!, 'base64url').toString()) as Record<string, unknown>;
}

describe('Teams sandbox subscriptions', () => {
  const f = useTeamsSandbox();
  let receiver: WebhookReceiver;
  let control: SubscriptionsControl;
  let certificate: TestCertificate;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    certificate = await makeCertificate();
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    control = new SubscriptionsControl(f.sandbox.baseUrl);
    receiver.requests.length = 0;
  });

  const subscribe = async (body: Record<string, unknown>, token = f.appToken) =>
    request(`${f.sandbox.graphBaseUrl}/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        changeType: 'created,updated,deleted',
        notificationUrl: `${receiver.baseUrl}/api/teams`,
        lifecycleNotificationUrl: `${receiver.baseUrl}/api/lifecycle`,
        resource: `/teams/${f.teamId}/channels/${f.channelId}/messages`,
        expirationDateTime: new Date((await f.sandbox.control.now()) + 50 * MINUTE).toISOString(),
        clientState: 'teams-state',
        ...body,
      }),
    });
  const created = async (body: Record<string, unknown> = {}, token = f.appToken) => {
    const result = await subscribe(body, token);
    if (result.status !== 201) throw new Error(`subscription answered ${result.status}: ${result.text}`);
    return z.object({ id: z.string(), includeResourceData: z.boolean().nullable() }).passthrough().parse(result.body);
  };
  const batches = async () => {
    await control.runDue();
    // The whole POSTed bodies: validationTokens sit beside value (changenotificationcollection).
    return receiver.requests
      .filter((r) => r.body !== '' && r.url.startsWith('/api/teams') && !r.url.includes('validationToken='))
      .map((r) => batchSchema.parse(JSON.parse(r.body)));
  };
  const jwks = async () => {
    const configuration = z
      .object({ issuer: z.string(), jwks_uri: z.string().url() })
      .passthrough()
      .parse((await request(`${f.sandbox.authorityHost}/common/.well-known/openid-configuration`)).body);
    expect(configuration.jwks_uri.startsWith(f.sandbox.authorityHost)).toBe(true);
    return z
      .object({
        keys: z.array(
          z.object({ kty: z.literal('RSA'), use: z.literal('sig'), kid: z.string(), n: z.string(), e: z.string() }),
        ),
      })
      .parse((await request(configuration.jwks_uri)).body) as { keys: (JsonWebKey & { kid: string })[] };
  };

  it('requires lifecycleNotificationUrl beyond 1 hour, with the documented message, and caps at 4,320 minutes', async () => {
    const now = await f.sandbox.control.now();
    const refused = await subscribe({
      lifecycleNotificationUrl: undefined,
      expirationDateTime: new Date(now + 61 * MINUTE).toISOString(),
    });
    const error = expectGraphError(refused, 400, 'InvalidRequest');
    expect(error.message).toBe(
      'lifecycleNotificationUrl is a required property for subscription creation on this resource when the expirationDateTime value is set to greater than 1 hour.',
    );
    const short = await created({
      lifecycleNotificationUrl: undefined,
      expirationDateTime: new Date(now + 59 * MINUTE).toISOString(),
    });
    // Renewing it past 1 hour needs the lifecycle URL too.
    const renew = await request(`${f.sandbox.graphBaseUrl}/subscriptions/${short.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${f.appToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expirationDateTime: new Date(now + 120 * MINUTE).toISOString() }),
    });
    expectGraphError(renew, 400, 'InvalidRequest');
    expect((await subscribe({ expirationDateTime: new Date(now + 4320 * MINUTE - 1000).toISOString() })).status).toBe(
      201,
    );
    expectGraphError(
      await subscribe({ expirationDateTime: new Date(now + 4321 * MINUTE).toISOString() }),
      400,
      'InvalidRequest',
    );
  });

  it('sends plain notifications naming the message (replies under their post), without resource data or tokens', async () => {
    const subscription = await created();
    expect(subscription.includeResourceData).toBeNull();
    const rootId = f.sandbox.teams.postChannelMessage(f.teamId, f.channelId, {
      fromUserId: f.adele,
      body: '<p>a</p>',
    }).id;
    const replyId = f.sandbox.teams.replyToChannelMessage(f.teamId, f.channelId, rootId, {
      fromUserId: f.bianca,
      body: '<p>b</p>',
    }).id;
    f.sandbox.teams.react(rootId, { userId: f.bianca, reactionType: 'like' });
    f.sandbox.teams.softDeleteMessage(replyId);
    // Another channel's message is not this subscription's.
    f.sandbox.teams.postChannelMessage(f.teamId, f.generalId, { fromUserId: f.adele, body: '<p>elsewhere</p>' });
    const received = await batches();
    expect(received.every((batch) => batch.validationTokens === undefined)).toBe(true);
    const seen = received.flatMap((batch) => batch.value);
    const post = `teams('${f.teamId}')/channels('${f.channelId}')/messages('${rootId}')`;
    const reply = `teams('${f.teamId}')/channels('${f.channelId}')/messages('${rootId}')/replies('${replyId}')`;
    expect(seen.map((n) => [n.changeType, n.resource])).toEqual([
      ['created', post],
      ['created', reply],
      ['updated', post],
      ['deleted', reply],
    ]);
    expect(seen.every((n) => n.encryptedContent === undefined && n.clientState === 'teams-state')).toBe(true);
    expect(seen[0]!.resourceData).toEqual({
      id: rootId,
      '@odata.type': '#Microsoft.Graph.chatMessage',
      '@odata.id': post,
    });
  });

  it('encrypts resource data as documented and signs validation tokens with a key of the served JWKS', async () => {
    const missing = await subscribe({ includeResourceData: true });
    expectGraphError(missing, 400, 'InvalidRequest');
    expectGraphError(
      await subscribe({
        includeResourceData: true,
        encryptionCertificate: 'bm90IGEgY2VydA==',
        encryptionCertificateId: 'c1',
      }),
      400,
      'InvalidRequest',
    );
    const subscription = await created({
      resource: `/chats/${f.chatId}/messages`,
      includeResourceData: true,
      encryptionCertificate: certificate.base64,
      encryptionCertificateId: 'test-cert-1',
    });
    expect(subscription.includeResourceData).toBe(true);
    const id = f.sandbox.teams.postChatMessage(f.chatId, { fromUserId: f.bianca, body: '<p>secret</p>' }).id;
    const [batch, ...others] = await batches();
    expect(others).toEqual([]);
    const [notification] = batch!.value;
    expect(notification!.resource).toBe(`chats('${f.chatId}')/messages('${id}')`);
    const content = notification!.encryptedContent!;
    expect(content.encryptionCertificateId).toBe('test-cert-1');
    expect(content.encryptionCertificateThumbprint).toBe(certificate.thumbprint);
    const message = chatMessageSchema.parse(decrypt(content, certificate.privateKeyPem));
    expect(message).toMatchObject({
      id,
      chatId: f.chatId,
      body: { content: '<p>secret</p>' },
      from: { user: { id: f.bianca } },
    });
    // A changed data byte breaks the signature check.
    const tampered = Buffer.from(content.data, 'base64');
    tampered[0] = tampered[0]! ^ 1;
    expect(() => decrypt({ ...content, data: tampered.toString('base64') }, certificate.privateKeyPem)).toThrow(
      /dataSignature/,
    );

    const [token, ...moreTokens] = batch!.validationTokens!;
    expect(moreTokens).toEqual([]);
    const claims = verifyJwt(token!, await jwks());
    expect(claims).toMatchObject({
      aud: f.sandbox.clientId,
      iss: `https://sts.windows.net/${f.sandbox.tenantId}/`,
      appid: PUBLISHER_APPID,
      tid: f.sandbox.tenantId,
    });
    const now = (await f.sandbox.control.now()) / 1000;
    expect(claims.exp as number).toBeGreaterThan(now + 55 * 60);
    expect(claims.exp as number).toBeLessThanOrEqual(now + 61 * 60);
  });

  it('rotates the signing key with an overlap: the old key stays listed, new tokens use the new one', async () => {
    await created({
      includeResourceData: true,
      encryptionCertificate: certificate.base64,
      encryptionCertificateId: 'test-cert-2',
    });
    f.sandbox.teams.postChannelMessage(f.teamId, f.channelId, { fromUserId: f.adele, body: '<p>before</p>' });
    const before = (await batches()).flatMap((b) => b.validationTokens ?? []);
    const rotated = z
      .object({ kid: z.string(), previousKid: z.string() })
      .parse((await request(`${f.sandbox.baseUrl}/_sandbox/identity/signing-keys/rotate`, { method: 'POST' })).body);
    const keys = await jwks();
    expect(keys.keys.map((key) => key.kid)).toEqual([rotated.kid, rotated.previousKid]);
    expect(() => verifyJwt(before[0]!, keys)).not.toThrow();
    receiver.requests.length = 0;
    f.sandbox.teams.postChannelMessage(f.teamId, f.channelId, { fromUserId: f.adele, body: '<p>after</p>' });
    const after = (await batches()).flatMap((b) => b.validationTokens ?? []);
    const header = JSON.parse(Buffer.from(after[0]!.split('.')[0]!, 'base64url').toString()) as { kid: string };
    expect(header.kid).toBe(rotated.kid);
    // A second rotation drops the first key: a token signed with it no longer verifies.
    await request(`${f.sandbox.baseUrl}/_sandbox/identity/signing-keys/rotate`, { method: 'POST' });
    const afterSecond = await jwks();
    expect(afterSecond.keys).toHaveLength(2);
    expect(() => verifyJwt(before[0]!, afterSecond)).toThrow(/no key/);
    expect(() => verifyJwt(after[0]!, afterSecond)).not.toThrow();
  });

  it('checks permission and membership for delegated subscriptions; tenant-wide ones are app-only', async () => {
    const outsider = (await f.sandbox.control.createUser({ displayName: 'Outsider' })).id;
    const outsiderToken = await tokenWithScopes(f.sandbox, outsider, ['ChannelMessage.Read.All']);
    expectGraphError(await subscribe({}, outsiderToken), 403, 'Forbidden');
    const member = await tokenWithScopes(f.sandbox, f.adele, ['ChannelMessage.Read.All']);
    expect((await subscribe({}, member)).status).toBe(201);
    expectGraphError(await subscribe({ resource: '/teams/getAllMessages' }, member), 403, 'Forbidden');
    expect((await subscribe({ resource: '/teams/getAllMessages' })).status).toBe(201);
    expectGraphError(await subscribe({ resource: `/chats/${f.chatId}/messages` }, member), 403, 'Forbidden');
  });

  it('sends lifecycle events through the Teams control; subscriptionRemoved removes the subscription', async () => {
    const subscription = await created();
    f.sandbox.teams.sendLifecycleEvent(subscription.id, 'missed');
    f.sandbox.teams.sendLifecycleEvent(subscription.id, 'subscriptionRemoved');
    await control.runDue();
    const events = receiver
      .notificationBatches('/api/lifecycle')
      .flatMap((batch) =>
        batch.value.map((n) =>
          z.object({ subscriptionId: z.string(), lifecycleEvent: z.string() }).passthrough().parse(n),
        ),
      );
    expect(events.map((e) => [e.subscriptionId, e.lifecycleEvent])).toEqual([
      [subscription.id, 'missed'],
      [subscription.id, 'subscriptionRemoved'],
    ]);
    f.sandbox.teams.postChannelMessage(f.teamId, f.channelId, { fromUserId: f.adele, body: '<p>after removal</p>' });
    expect(await batches()).toEqual([]);
  });
});
