// What the webhook endpoints need, built once per process from the composition root's storage and
// config: a receiver over the subscriptions table and the two queues. Nothing here can reach Graph
// or the token endpoint (invariant 5).
import { getServices, type Services } from './composition-root.js';
import { QUEUES, TABLES } from '../adapters/storage/names.js';
import { sendJson } from '../adapters/azure-queues/queue-writer.js';
import { SubscriptionStore } from '../adapters/azure-tables/subscription-store.js';
import { GroupCommitQueue } from '../adapters/azure-queues/group-commit-queue.js';
import type { NotificationItem, NotificationMessage } from '../core/notifications/notification-messages.js';
import { SubscriptionLookup } from '../providers/microsoft/webhooks/subscription-lookup.js';
import { WebhookReceiver } from '../providers/microsoft/webhooks/webhook-receiver.js';

export interface WebhookServices {
  receiver: WebhookReceiver;
  maxBodyBytes: number;
}

const lookups = new WeakMap<Services, SubscriptionLookup>();

/**
 * The one subscription cache of these services, shared by the webhook and by the app's own writes to
 * subscription rows (notification-services.ts), which clear an id's entry as they write it.
 */
export function subscriptionLookupFor(services: Services): SubscriptionLookup {
  let lookup = lookups.get(services);
  if (!lookup) {
    lookup = new SubscriptionLookup(new SubscriptionStore(services.storage.table(TABLES.subscriptions)));
    lookups.set(services, lookup);
  }
  return lookup;
}

export function buildWebhookServices(services: Services): WebhookServices {
  const lookup = subscriptionLookupFor(services);
  const notificationsQueue = services.storage.queue(QUEUES.graphNotifications);
  const lifecycleQueue = services.storage.queue(QUEUES.graphLifecycle);
  const notifications = new GroupCommitQueue<NotificationItem>((items) => {
    const message: NotificationMessage = { kind: 'notifications', items, receivedAt: new Date().toISOString() };
    return sendJson(notificationsQueue, message);
  });
  return {
    receiver: new WebhookReceiver({
      findSubscriptions: (ids) => lookup.findMany(ids),
      enqueueNotifications: (items) => notifications.add(items),
      enqueueLifecycle: (message) => sendJson(lifecycleQueue, message),
    }),
    maxBodyBytes: services.config.webhookMaxBodyBytes,
  };
}

let cached: { for: Services; built: WebhookServices } | undefined;

/** Rebuilt whenever the composition root's services are replaced (the local host and tests do that). */
export function getWebhookServices(): WebhookServices {
  const services = getServices();
  if (cached?.for !== services) cached = { for: services, built: buildWebhookServices(services) };
  return cached.built;
}
