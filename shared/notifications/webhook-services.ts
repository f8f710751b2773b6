// What the webhook endpoints need, built once per process from the composition root's storage and
// config: a receiver over the subscriptions table and the two queues. Nothing here can reach Graph
// or the token endpoint (invariant 5).
import { getServices, type Services } from '../app/composition-root.js';
import { QUEUES, TABLES } from '../storage/names.js';
import { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { SubscriptionLookup } from './subscription-lookup.js';
import { WebhookReceiver } from './webhook-receiver.js';

export interface WebhookServices {
  receiver: WebhookReceiver;
  maxBodyBytes: number;
}

export function buildWebhookServices(services: Services): WebhookServices {
  const lookup = new SubscriptionLookup(new SubscriptionStore(services.storage.table(TABLES.subscriptions)));
  return {
    receiver: new WebhookReceiver({
      findSubscription: (id) => lookup.find(id),
      notificationsQueue: services.storage.queue(QUEUES.graphNotifications),
      lifecycleQueue: services.storage.queue(QUEUES.graphLifecycle),
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
