import { createLogger } from '../shared/adapters/logging/logger.js';
import { getNotificationServices } from '../shared/app/notification-services.js';
import { handleNotificationsMessage } from '../shared/core/notifications/notifications-queue-handler.js';
import { defineQueueFunction } from '../shared/app/function-definitions.js';
import { QUEUES } from '../shared/adapters/storage/names.js';
import { poisonQueueOf } from '../shared/adapters/azure-queues/poison-queue.js';

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
        poisonQueue: poisonQueueOf(notifications.services.storage, QUEUES.graphNotifications),
        log,
      },
      message,
    );
  },
});
