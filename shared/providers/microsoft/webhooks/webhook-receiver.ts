// The use case behind both webhook endpoints (docs/invariants.md, invariant 5): parse, verify each notification
// against its subscription row, enqueue the genuine ones, count and drop the rest. No Graph call and
// no token call happen here; everything slow happens in the queue workers.
import type { z } from 'zod';
import type { Logger } from '../../../adapters/logging/logger.js';
import type { WatchRecord } from '../../../adapters/azure-tables/subscription-store.js';
import type { LifecycleMessage, NotificationItem } from '../../../core/notifications/notification-messages.js';
import {
  changeNotificationBatchSchema,
  lifecycleNotificationBatchSchema,
  NEUTRAL_LIFECYCLE_EVENT,
  type ChangeNotification,
  type LifecycleNotification,
} from './notification-payloads.js';
import { verifyNotification, type Verdict } from './notification-verifier.js';
import { verifyRichNotification, type RichNotificationDeps } from './resource-data/rich-notification.js';

export type WebhookKind = 'changes' | 'lifecycle';

export type ReceiveResult =
  | { kind: 'accepted'; enqueued: number; rejected: Partial<Record<Exclude<Verdict, 'valid'>, number>> }
  | { kind: 'invalid-json' }
  | { kind: 'wrong-shape'; detail: string }
  | { kind: 'enqueue-failed' }
  /** The authority's signing keys could not be read: answer 5xx so that Graph delivers again. */
  | { kind: 'keys-unavailable' };

export interface WebhookReceiverDeps {
  /** The rows of the distinct ids in a batch (undefined: not ours); SubscriptionLookup in production. */
  findSubscriptions(subscriptionIds: readonly string[]): Promise<Map<string, WatchRecord | undefined>>;
  /** Queues change-notification items (through a GroupCommitQueue in production). */
  enqueueNotifications(items: NotificationItem[]): Promise<void>;
  enqueueLifecycle(message: LifecycleMessage): Promise<void>;
  /**
   * Rich notifications (Teams, includeResourceData): the validation-token verifier and the key ring.
   * Given, a change batch with validationTokens or encryptedContent must pass verifyRichNotification
   * before the clientState check; absent (TEAMS_RICH_NOTIFICATIONS=false), such a batch is checked by
   * clientState only, like any other, and its content is ignored.
   */
  rich?: RichNotificationDeps;
  now?: () => Date;
}

export class WebhookReceiver {
  private readonly now: () => Date;

  constructor(private readonly deps: WebhookReceiverDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async receive(kind: WebhookKind, bodyText: string, log: Logger): Promise<ReceiveResult> {
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      return { kind: 'invalid-json' };
    }
    const schema: z.ZodType<{ value: (ChangeNotification | LifecycleNotification)[] }> =
      kind === 'changes' ? changeNotificationBatchSchema : lifecycleNotificationBatchSchema;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      // Paths and messages only: zod does not include input values unless asked to.
      const detail = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      return { kind: 'wrong-shape', detail };
    }

    let notifications = parsed.data.value;
    let richRejected: Record<string, number> = {};
    if (kind === 'changes' && this.deps.rich && isRich(json)) {
      const opened = await verifyRichNotification(json, this.deps.rich);
      if (!opened.ok) {
        // The reason only: no token, claim, certificate id or content reaches the log.
        log.warn('webhook.rich_notifications_rejected', {
          webhook: kind,
          reason: opened.reason,
          count: notifications.length,
        });
        if (opened.reason === 'keys_unavailable') return { kind: 'keys-unavailable' };
        return { kind: 'accepted', enqueued: 0, rejected: {} };
      }
      const failedIndexes = new Set(opened.rejected.map((rejection) => rejection.index));
      richRejected = countBy(opened.rejected.map((rejection) => rejection.reason));
      // The decrypted messages are dropped here: the queue message keeps ids only and the worker's
      // delta reads the change (docs/notifications.md, "Notifications with resource data").
      notifications = notifications.filter((_, index) => !failedIndexes.has(index));
      if (Object.keys(richRejected).length > 0) {
        log.warn('webhook.rich_notifications_rejected', { webhook: kind, ...richRejected });
      }
      if (notifications.length === 0) return { kind: 'accepted', enqueued: 0, rejected: {} };
    }
    const rows = await this.deps.findSubscriptions(notifications.map((notification) => notification.subscriptionId));
    const rejected: Partial<Record<Exclude<Verdict, 'valid'>, number>> = {};
    const valid: { notification: ChangeNotification | LifecycleNotification; row: WatchRecord }[] = [];
    for (const notification of notifications) {
      const row = rows.get(notification.subscriptionId);
      const verdict = verifyNotification(notification, row);
      if (verdict === 'valid' && row) valid.push({ notification, row });
      else if (verdict !== 'valid') rejected[verdict] = (rejected[verdict] ?? 0) + 1;
    }
    if (Object.keys(rejected).length > 0) {
      // Counted, never echoed: the log line holds reasons and counts, not ids or clientState values.
      log.warn('webhook.notifications_rejected', { webhook: kind, ...rejected });
    }

    try {
      const enqueued = await this.enqueue(kind, valid);
      return { kind: 'accepted', enqueued, rejected };
    } catch (error) {
      log.error('webhook.enqueue_failed', {
        webhook: kind,
        error: error instanceof Error ? error.message : 'unknown',
      });
      return { kind: 'enqueue-failed' };
    }
  }

  private async enqueue(
    kind: WebhookKind,
    valid: { notification: ChangeNotification | LifecycleNotification; row: WatchRecord }[],
  ): Promise<number> {
    const receivedAt = this.now().toISOString();
    if (kind === 'lifecycle') {
      // Each lifecycle event is acted on separately (reauthorize, recreate, resync), so one message each.
      const messages: LifecycleMessage[] = valid.map(({ notification, row }) => ({
        subscriptionId: row.watchId,
        kbId: row.kbId,
        sourceId: row.sourceId,
        lifecycleEvent: NEUTRAL_LIFECYCLE_EVENT[(notification as LifecycleNotification).lifecycleEvent],
        receivedAt,
      }));
      await Promise.all(messages.map((message) => this.deps.enqueueLifecycle(message)));
      return messages.length;
    }
    // Change notifications only say "something changed": one item per subscription per POST is enough.
    const perSubscription = new Map<string, NotificationItem>();
    for (const { row } of valid) {
      const existing = perSubscription.get(row.watchId);
      if (existing) existing.count += 1;
      else {
        perSubscription.set(row.watchId, {
          subscriptionId: row.watchId,
          kbId: row.kbId,
          sourceId: row.sourceId,
          count: 1,
        });
      }
    }
    await this.deps.enqueueNotifications([...perSubscription.values()]);
    return perSubscription.size;
  }
}

/** A batch that claims resource data: validation tokens, or any notification with encryptedContent. */
function isRich(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const batch = json as { validationTokens?: unknown; value?: unknown };
  if (present(batch.validationTokens)) return true;
  return (
    Array.isArray(batch.value) &&
    batch.value.some(
      (notification: unknown) =>
        typeof notification === 'object' &&
        notification !== null &&
        present((notification as { encryptedContent?: unknown }).encryptedContent),
    )
  );
}

function countBy(reasons: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const reason of reasons) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}
