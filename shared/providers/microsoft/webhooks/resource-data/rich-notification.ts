// A batch of Teams change notifications with resource data, checked and opened: every validation
// token valid (validation-tokens.ts) and covering the tenant of every notification, then each
// notification's encryptedContent decrypted into a chatMessage (encrypted-content.ts).
// https://learn.microsoft.com/en-us/graph/change-notifications-with-resource-data
// The clientState of each notification is passed on untouched: the caller still compares it with the
// subscription's digest (notification-verifier.ts), then forgets it.
import { z } from 'zod';
import { MAX_NOTIFICATIONS_PER_POST, changeNotificationSchema, notificationTenant } from '../notification-payloads.js';
import { chatMessageResourceSchema, type ChatMessageResource } from './chat-message-resource.js';
import { decryptResourceData, type DecryptFailure } from './encrypted-content.js';
import type { NotificationKeyRing } from './notification-key-ring.js';
import { MAX_VALIDATION_TOKEN_LENGTH, type TokenFailure, type ValidationTokenVerifier } from './validation-tokens.js';

export const richNotificationSchema = changeNotificationSchema.extend({
  // Checked by decryptResourceData, which tells a malformed one apart from a missing one.
  encryptedContent: z.unknown().optional(),
});

/** Graph sends one token per app and tenant of the batch; 100 is far above what one URL sees. */
const MAX_VALIDATION_TOKENS = 100;

export const richNotificationBatchSchema = z.object({
  value: z.array(richNotificationSchema).min(1).max(MAX_NOTIFICATIONS_PER_POST),
  validationTokens: z.array(z.string().min(1).max(MAX_VALIDATION_TOKEN_LENGTH)).max(MAX_VALIDATION_TOKENS).nullish(),
});

export type RichNotification = z.infer<typeof richNotificationSchema>;

export interface OpenedNotification {
  notification: Omit<RichNotification, 'encryptedContent'>;
  /** The decrypted message; absent when Graph sent no encryptedContent (a deletion may carry none). */
  message?: ChatMessageResource;
}

export interface RejectedNotification {
  /** Position in the batch's `value`. */
  index: number;
  reason: DecryptFailure;
}

export type RichBatchFailure =
  /** Not a batch of change notifications. */
  | 'malformed'
  /** No validation tokens, or none issued for the tenant of some notification. */
  | 'no_token'
  | TokenFailure;

export type RichBatchResult =
  | { ok: true; resources: OpenedNotification[]; rejected: RejectedNotification[] }
  | { ok: false; reason: RichBatchFailure };

export interface RichNotificationDeps {
  tokens: Pick<ValidationTokenVerifier, 'verify'>;
  keys: Pick<NotificationKeyRing, 'privateKey'>;
}

/**
 * The whole batch fails when any token fails (its origin is then unproven, as Microsoft's page says);
 * a notification that does not decrypt is rejected alone, with its reason, and the others go on.
 */
export async function verifyRichNotification(payload: unknown, deps: RichNotificationDeps): Promise<RichBatchResult> {
  const batch = richNotificationBatchSchema.safeParse(payload);
  if (!batch.success) return { ok: false, reason: 'malformed' };
  const { value, validationTokens } = batch.data;
  if (!validationTokens?.length) return { ok: false, reason: 'no_token' };

  const tenants = new Set<string>();
  for (const notification of value) {
    const tenant = notificationTenant(notification);
    if (tenant === undefined) return { ok: false, reason: 'no_token' };
    tenants.add(tenant.toLowerCase());
  }
  const verdicts = await Promise.all(validationTokens.map((token) => deps.tokens.verify(token, [...tenants])));
  const covered = new Set<string>();
  for (const verdict of verdicts) {
    if (!verdict.ok) return { ok: false, reason: verdict.reason };
    covered.add(verdict.tenantId);
  }
  if ([...tenants].some((tenant) => !covered.has(tenant))) return { ok: false, reason: 'no_token' };

  const resources: OpenedNotification[] = [];
  const rejected: RejectedNotification[] = [];
  for (const [index, { encryptedContent, ...notification }] of value.entries()) {
    if (encryptedContent === undefined || encryptedContent === null) {
      resources.push({ notification });
      continue;
    }
    const opened = await decryptResourceData(encryptedContent, deps.keys, chatMessageResourceSchema);
    if (opened.ok) resources.push({ notification, message: opened.resource });
    else rejected.push({ index, reason: opened.reason });
  }
  return { ok: true, resources, rejected };
}
