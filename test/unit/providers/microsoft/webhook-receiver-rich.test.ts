// The Graph webhook receiver with rich notifications: a batch with validationTokens or encryptedContent
// goes through verifyRichNotification first; any failure is 202 with nothing queued (503 when the
// authority's keys are unavailable), counted by reason in a log event that holds no token or content.
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../../shared/adapters/logging/logger.js';
import type { NotificationItem } from '../../../../shared/core/notifications/notification-messages.js';
import type { WatchRecord } from '../../../../shared/core/ports/watch-repository.js';
import { watchSecretDigest } from '../../../../shared/core/watch/watch-secret.js';
import type { TokenVerdict } from '../../../../shared/providers/microsoft/webhooks/resource-data/validation-tokens.js';
import { WebhookReceiver } from '../../../../shared/providers/microsoft/webhooks/webhook-receiver.js';

const TENANT = '11111111-1111-1111-1111-111111111111';
const SECRET = 'client-state-secret';
const TOKEN = 'eyJ.header.token';
const row: WatchRecord = {
  watchId: 'sub-1',
  kbId: 'kb',
  sourceId: 'src',
  secretSha256: watchSecretDigest(SECRET),
  expiresAt: '2030-01-01T00:00:00Z',
  createdAt: '2026-01-01T00:00:00Z',
};

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (event: string, fields?: Record<string, unknown>) =>
    void lines.push(`${event} ${JSON.stringify(fields)}`);
  return { lines, info: write, warn: write, error: write, debug: write } as unknown as Logger & { lines: string[] };
}

function receiver(verdict: TokenVerdict, rich = true) {
  const enqueued: NotificationItem[] = [];
  const deps = {
    findSubscriptions: async (ids: readonly string[]) =>
      new Map(ids.map((id) => [id, id === 'sub-1' ? row : undefined])),
    enqueueNotifications: async (items: NotificationItem[]) => void enqueued.push(...items),
    enqueueLifecycle: async () => {},
    ...(rich ? { rich: { tokens: { verify: async () => verdict }, keys: { privateKey: async () => undefined } } } : {}),
  };
  return { receiver: new WebhookReceiver(deps), enqueued };
}

const notification = (extra: Record<string, unknown> = {}) => ({
  subscriptionId: 'sub-1',
  clientState: SECRET,
  tenantId: TENANT,
  changeType: 'created',
  resource: "teams('t')/channels('c')/messages('m')",
  ...extra,
});
const encryptedContent = {
  data: 'AAAA',
  dataKey: 'AAAA',
  dataSignature: 'AAAA',
  encryptionCertificateId: 'forged-id',
  encryptionCertificateThumbprint: 'AB',
};

describe('WebhookReceiver with rich notifications', () => {
  it('queues a verified notification (ids only) after its token and clientState check', async () => {
    const { receiver: r, enqueued } = receiver({ ok: true, tenantId: TENANT });
    const body = JSON.stringify({ value: [notification()], validationTokens: [TOKEN] });
    await expect(r.receive('changes', body, recordingLog())).resolves.toMatchObject({ kind: 'accepted', enqueued: 1 });
    expect(enqueued).toEqual([{ subscriptionId: 'sub-1', kbId: 'kb', sourceId: 'src', count: 1 }]);
  });

  it.each(['wrong_audience', 'bad_alg', 'bad_signature', 'expired'] as const)(
    'accepts and drops a batch whose token fails (%s), logging the reason only',
    async (reason) => {
      const { receiver: r, enqueued } = receiver({ ok: false, reason });
      const log = recordingLog();
      const body = JSON.stringify({ value: [notification({ encryptedContent })], validationTokens: [TOKEN] });
      await expect(r.receive('changes', body, log)).resolves.toMatchObject({ kind: 'accepted', enqueued: 0 });
      expect(enqueued).toEqual([]);
      expect(log.lines.join('\n')).toContain(reason);
      expect(log.lines.join('\n')).not.toContain(TOKEN);
      expect(log.lines.join('\n')).not.toContain(SECRET);
    },
  );

  it('refuses a batch with encryptedContent but no token, and one whose certificate id is unknown', async () => {
    const noToken = receiver({ ok: true, tenantId: TENANT });
    await noToken.receiver.receive(
      'changes',
      JSON.stringify({ value: [notification({ encryptedContent })] }),
      recordingLog(),
    );
    expect(noToken.enqueued).toEqual([]);

    const unknownCertificate = receiver({ ok: true, tenantId: TENANT });
    const log = recordingLog();
    const body = JSON.stringify({ value: [notification({ encryptedContent })], validationTokens: [TOKEN] });
    await expect(unknownCertificate.receiver.receive('changes', body, log)).resolves.toMatchObject({ enqueued: 0 });
    expect(unknownCertificate.enqueued).toEqual([]);
    expect(log.lines.join('\n')).toContain('unknown_certificate');
    expect(log.lines.join('\n')).not.toContain('forged-id');
  });

  it('answers keys-unavailable (503) when the authority cannot be read, so that Graph delivers again', async () => {
    const { receiver: r, enqueued } = receiver({ ok: false, reason: 'keys_unavailable' });
    const body = JSON.stringify({ value: [notification()], validationTokens: [TOKEN] });
    await expect(r.receive('changes', body, recordingLog())).resolves.toEqual({ kind: 'keys-unavailable' });
    expect(enqueued).toEqual([]);
  });

  it('still checks the clientState of a notification whose token is valid', async () => {
    const { receiver: r, enqueued } = receiver({ ok: true, tenantId: TENANT });
    const body = JSON.stringify({ value: [notification({ clientState: 'wrong' })], validationTokens: [TOKEN] });
    await expect(r.receive('changes', body, recordingLog())).resolves.toMatchObject({
      enqueued: 0,
      rejected: { 'wrong-client-state': 1 },
    });
    expect(enqueued).toEqual([]);
  });

  it('checks clientState only when rich notifications are off', async () => {
    const { receiver: r, enqueued } = receiver({ ok: false, reason: 'bad_signature' }, false);
    const body = JSON.stringify({ value: [notification({ encryptedContent })], validationTokens: [TOKEN] });
    await expect(r.receive('changes', body, recordingLog())).resolves.toMatchObject({ enqueued: 1 });
    expect(enqueued).toHaveLength(1);
  });
});
