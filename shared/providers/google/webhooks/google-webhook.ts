// POST /api/webhooks/google: Drive push notifications (docs/invariants.md, invariant 5: no Google and no
// token call here). Parse the headers, verify the channel, enqueue one notification item for a change,
// answer at once. Google's response semantics (https://developers.google.com/drive/api/guides/push,
// "Respond to notifications"): 200, 201, 202, 204 or 102 is success; 500, 502, 503 or 504 makes Google
// retry with exponential backoff; every other status is a message failure, not retried.
// - `sync` (the handshake Google sends as it creates a channel) is acknowledged with 204 and enqueues
//   nothing, without looking the channel up: it arrives before changes.watch has answered, so before
//   the channel's record is written; a lookup would find nothing, and would cache "unknown" for the
//   new id (core/watch/watch-lookup.ts), muting the channel's first changes on this instance. A
//   forged sync achieves nothing either way;
// - any other state of a verified channel enqueues one item: `change` for changes.watch, and the
//   files.watch states (add, update, trash, …) say the same thing, "read the changes";
// - an unknown channel, a wrong token or a wrong resource id gets one and the same answer, 404 with no
//   body: a message failure, so Google does not retry it, and nothing tells a forger which check
//   failed. The rejection is counted by reason in a log line without ids or tokens;
// - a failed enqueue answers 503, which Google retries.
import type { HttpResponseInit } from '@azure/functions';
import { problem, retryableProblem } from '../../../adapters/http/problem.js';
import { STORAGE_RETRY_AFTER_SECONDS } from '../../../adapters/http/storage-outage-answer.js';
import type { Logger } from '../../../core/ports/logger.js';
import type { NotificationItem } from '../../../core/notifications/notification-messages.js';
import type { WatchRecord } from '../../../core/ports/watch-repository.js';
import { channelNotificationSchema, readChannelHeaders } from './channel-headers.js';
import { verifyChannelNotification } from './channel-verifier.js';

export interface GoogleWebhookDeps {
  /** The watch records of channel ids (undefined: not ours); the composition root's SubscriptionLookup. */
  findChannels(channelIds: readonly string[]): Promise<Map<string, WatchRecord | undefined>>;
  /** The notifications queue, shared with the Graph webhook (through its group-commit queue). */
  enqueueNotifications(items: NotificationItem[]): Promise<void>;
}

/** The one answer to every delivery we do not want. */
const UNWANTED: HttpResponseInit = { status: 404 };

export async function receiveGoogleNotification(
  request: { headers: { get(name: string): string | null } },
  deps: GoogleWebhookDeps,
  log: Logger,
): Promise<HttpResponseInit> {
  const parsed = channelNotificationSchema.safeParse(readChannelHeaders(request.headers));
  if (!parsed.success) {
    // Field names and messages only: zod does not quote input values unless asked to.
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    return problem(400, 'Invalid push notification headers', detail);
  }
  const notification = parsed.data;
  if (notification.resourceState === 'sync') return { status: 204 };
  const record = (await deps.findChannels([notification.channelId])).get(notification.channelId);
  const verdict = verifyChannelNotification(notification, record);
  if (verdict !== 'valid' || !record) {
    log.warn('webhook.notifications_rejected', { webhook: 'google', [verdict]: 1 });
    return UNWANTED;
  }
  try {
    await deps.enqueueNotifications([
      { subscriptionId: record.watchId, kbId: record.kbId, sourceId: record.sourceId, count: 1 },
    ]);
  } catch (error) {
    log.error('webhook.enqueue_failed', {
      webhook: 'google',
      error: error instanceof Error ? error.message : 'unknown',
    });
    return retryableProblem(
      503,
      'Temporarily unavailable',
      STORAGE_RETRY_AFTER_SECONDS,
      'the notification could not be queued; retry later',
    );
  }
  return { status: 202 };
}
