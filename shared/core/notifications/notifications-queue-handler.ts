// A notifications-queue message → the coalescer. Webhook messages name a source the webhook has
// already verified; one whose source is gone or no longer active is dropped. Malformed messages go
// straight to the poison queue (docs/invariants.md, invariant 7).
import { syncsOnItsOwn } from '../domain/source.js';
import type { Logger } from '../ports/logger.js';
import type { PoisonQueue } from '../ports/poison-queue.js';
import type { SourceRepository } from '../ports/source-repository.js';
import { notificationsQueueMessageSchema, type NotificationItem } from './notification-messages.js';
import type { CheckOutcome, NotificationOutcome, SyncCoalescer } from './sync-coalescer.js';
import { parseOrPoison } from '../queue/parse-queue-message.js';

export interface NotificationsQueueDeps {
  sources: Pick<SourceRepository, 'get'>;
  coalescer: Pick<SyncCoalescer, 'onNotification' | 'onCheck'>;
  /** Forgets the subscription row of a source that is gone, so its notifications stop at the webhook. */
  forgetSubscription(subscriptionId: string): Promise<void>;
  poisonQueue: PoisonQueue;
  log: Logger;
}

export async function handleNotificationsMessage(
  deps: NotificationsQueueDeps,
  raw: unknown,
): Promise<NotificationOutcome | CheckOutcome | 'poisoned' | 'dropped'> {
  const parsed = await parseOrPoison(notificationsQueueMessageSchema, raw, { ...deps, what: 'notifications' });
  if (!parsed.ok) return 'poisoned';
  const message = parsed.value;
  if (message.kind === 'debounce-check') return deps.coalescer.onCheck(message);

  // One coalescer call per source, whatever the number of notifications or subscriptions behind it.
  const bySource = new Map<string, NotificationItem[]>();
  for (const item of message.items) {
    const id = `${item.kbId}|${item.sourceId}`;
    bySource.set(id, [...(bySource.get(id) ?? []), item]);
  }
  const outcomes: (NotificationOutcome | 'dropped')[] = [];
  for (const items of bySource.values()) {
    const key = { kbId: items[0]!.kbId, sourceId: items[0]!.sourceId };
    const source = (await deps.sources.get(key))?.record;
    if (!source) {
      // Removing a source deletes its watch at the provider; a late notification still finds the row.
      for (const subscriptionId of new Set(items.map((item) => item.subscriptionId))) {
        await deps.forgetSubscription(subscriptionId);
      }
      deps.log.info('notifications.dropped', { ...key, reason: 'source gone' });
      outcomes.push('dropped');
      continue;
    }
    if (!syncsOnItsOwn(source.state)) {
      deps.log.info('notifications.dropped', { ...key, reason: `source ${source.state}` });
      outcomes.push('dropped');
      continue;
    }
    // A failure rethrows and the whole message is retried: sources already handled are absorbed then.
    outcomes.push(await deps.coalescer.onNotification(key));
  }
  return outcomes.includes('armed') ? 'armed' : outcomes.includes('absorbed') ? 'absorbed' : 'dropped';
}
