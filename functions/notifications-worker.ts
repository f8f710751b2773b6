import { createLogger } from '../shared/adapters/logging/logger.js';
import { getNotificationServices } from '../shared/app/notification-services.js';
import { handleNotificationsMessage } from '../shared/core/notifications/notifications-queue-handler.js';
import { defineQueueFunction } from '../shared/app/function-definitions.js';
import { poisonQueueName, QUEUES } from '../shared/adapters/storage/names.js';

// Verified change notifications (and the coalescer's own debounce checks) → at most one pending sync
// job per source (docs/notifications.md, "Coalescing").
export const notificationsWorker = defineQueueFunction({
  name: 'notifications-worker',
  queueName: QUEUES.graphNotifications,
  handler: async (message, context) => {
    const notifications = getNotificationServices();
    const log = createLogger(context);
    await handleNotificationsMessage(
      {
        sources: notifications.services.sources,
        coalescer: notifications.coalescer(log),
        forgetSubscription: (id) => notifications.subscriptionStore.delete(id),
        poisonQueue: notifications.services.storage.queue(poisonQueueName(QUEUES.graphNotifications)),
        log,
      },
      message,
    );
  },
});
