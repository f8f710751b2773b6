import { createLogger } from '../shared/adapters/logging/logger.js';
import { handleLifecycleMessage } from '../shared/core/watch/lifecycle-queue-handler.js';
import { getNotificationServices } from '../shared/app/notification-services.js';
import { defineQueueFunction } from '../shared/app/function-definitions.js';
import { QUEUES } from '../shared/adapters/storage/names.js';
import { poisonQueueOf } from '../shared/adapters/azure-queues/poison-queue.js';

// Verified lifecycle events: reauthorize, recreate then delta, or delta (docs/notifications.md).
export const lifecycleWorker = defineQueueFunction({
  name: 'lifecycle-worker',
  queueName: QUEUES.graphLifecycle,
  handler: async (message, context) => {
    const notifications = getNotificationServices();
    const log = createLogger(context);
    await handleLifecycleMessage(
      {
        watches: notifications.watches(log),
        enqueueSync: notifications.enqueueSync,
        poisonQueue: poisonQueueOf(notifications.services.storage, QUEUES.graphLifecycle),
        log,
      },
      message,
    );
  },
});
