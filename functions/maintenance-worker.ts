import { createLogger } from '../shared/adapters/logging/logger.js';
import { handleMaintenanceMessage } from '../shared/core/maintenance/maintenance-queue-handler.js';
import { getNotificationServices } from '../shared/app/notification-services.js';
import { defineQueueFunction } from '../shared/app/function-definitions.js';
import { QUEUES } from '../shared/adapters/storage/names.js';
import { poisonQueueOf } from '../shared/adapters/azure-queues/poison-queue.js';

// Maintenance of one source: subscription renewal/recreation, due polls, safety-net delta, token keep-alive.
export const maintenanceWorker = defineQueueFunction({
  name: 'maintenance-worker',
  queueName: QUEUES.maintenanceWork,
  handler: async (message, context) => {
    const notifications = getNotificationServices();
    const log = createLogger(context);
    await handleMaintenanceMessage(
      {
        maintenance: notifications.maintenance(log),
        poisonQueue: poisonQueueOf(notifications.services.storage, QUEUES.maintenanceWork),
        log,
      },
      message,
    );
  },
});
