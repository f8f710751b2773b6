// The whole check of a Teams batch with resource data: tokens over real HTTP (authority-server.ts),
// encryptedContent built as Graph does (graph-encryption.ts), decrypted by verifyRichNotification.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRichNotification } from '../../../../../shared/providers/microsoft/webhooks/resource-data/rich-notification.js';
import { createValidationTokenVerifier } from '../../../../../shared/providers/microsoft/webhooks/resource-data/validation-tokens.js';
import {
  CLIENT_ID,
  TENANT_ID,
  generateSigningKey,
  graphTokenClaims,
  signToken,
  startAuthority,
  type AuthorityServer,
  type SigningKey,
} from './authority-server.js';
import {
  encryptLikeGraph,
  flipByte,
  generateTestCertificate,
  sampleChatMessage,
  type TestCertificate,
} from './graph-encryption.js';

let authority: AuthorityServer;
let signing: SigningKey;
let certificate: TestCertificate;
let deps: Parameters<typeof verifyRichNotification>[1];

beforeAll(async () => {
  signing = await generateSigningKey('key-a');
  authority = await startAuthority([signing]);
  certificate = await generateTestCertificate('cert-1');
  const keys = new Map<string, KeyObject>([[certificate.id, createPrivateKey(certificate.privateKeyPem)]]);
  deps = {
    tokens: createValidationTokenVerifier({ authorityHost: authority.host, clientId: CLIENT_ID }),
    keys: { privateKey: (id) => Promise.resolve(keys.get(id)) },
  };
});
afterAll(() => authority.close());

const notification = (overrides: Record<string, unknown> = {}) => ({
  subscriptionId: 'sub-1',
  clientState: 'the-client-state',
  changeType: 'created',
  resource: "teams('team-1')/channels('19:abc@thread.tacv2')/messages('1700000000000')",
  tenantId: TENANT_ID,
  subscriptionExpirationDateTime: '2026-12-03T11:00:00Z',
  encryptedContent: encryptLikeGraph(sampleChatMessage, certificate).encryptedContent,
  ...overrides,
});

describe('verifyRichNotification', () => {
  it('opens a genuine batch: the message, and the notification with its clientState for the caller', async () => {
    const token = await signToken(signing, graphTokenClaims());
    const result = await verifyRichNotification({ value: [notification()], validationTokens: [token] }, deps);
    if (!result.ok) throw new Error(`refused: ${result.reason}`);
    expect(result.rejected).toEqual([]);
    expect(result.resources).toHaveLength(1);
    expect(result.resources[0]?.message).toEqual(sampleChatMessage);
    expect(result.resources[0]?.notification).toMatchObject({
      subscriptionId: 'sub-1',
      clientState: 'the-client-state',
    });
    expect(result.ok && 'encryptedContent' in result.resources[0]!.notification).toBe(false);
  });

  it('rejects only the notification that does not decrypt', async () => {
    const token = await signToken(signing, graphTokenClaims());
    const good = notification();
    const bad = notification();
    bad.encryptedContent.dataSignature = flipByte(bad.encryptedContent.dataSignature, 3);
    const result = await verifyRichNotification(
      {
        value: [good, bad, notification({ encryptedContent: undefined, changeType: 'deleted' })],
        validationTokens: [token],
      },
      deps,
    );
    expect(result.ok && result.rejected).toEqual([{ index: 1, reason: 'bad_signature' }]);
    expect(result.ok && result.resources.map((opened) => opened.message?.id ?? null)).toEqual([
      sampleChatMessage.id,
      null,
    ]);
  });

  it('refuses the batch without tokens, or with none for a notification’s tenant', async () => {
    const token = await signToken(signing, graphTokenClaims());
    expect(await verifyRichNotification({ value: [notification()] }, deps)).toEqual({ ok: false, reason: 'no_token' });
    expect(await verifyRichNotification({ value: [notification()], validationTokens: [] }, deps)).toEqual({
      ok: false,
      reason: 'no_token',
    });
    const otherTenant = '0f0f0f0f-0000-0000-0000-000000000000';
    expect(
      await verifyRichNotification(
        { value: [notification(), notification({ tenantId: otherTenant })], validationTokens: [token] },
        deps,
      ),
    ).toEqual({ ok: false, reason: 'no_token' });
    expect(
      await verifyRichNotification({ value: [notification({ tenantId: null })], validationTokens: [token] }, deps),
    ).toEqual({ ok: false, reason: 'no_token' });
  });

  it('refuses the whole batch when any token fails', async () => {
    const good = await signToken(signing, graphTokenClaims());
    const bad = await signToken(signing, graphTokenClaims({ aud: 'someone-else' }));
    expect(await verifyRichNotification({ value: [notification()], validationTokens: [good, bad] }, deps)).toEqual({
      ok: false,
      reason: 'wrong_audience',
    });
  });

  it('refuses what is not a batch', async () => {
    for (const body of [null, {}, { value: [] }, { value: [{}] }, { value: [notification()], validationTokens: 'x' }]) {
      expect(await verifyRichNotification(body, deps)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});
