import { useCases } from '../shared/app/composition-root.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineQueueFunction } from '../shared/app/function-definitions.js';
import { QUEUES } from '../shared/adapters/storage/names.js';

// Verified change notifications (and the coalescer's own debounce checks) → at most one pending sync
// job per source (docs/notifications.md, "Coalescing").
export const notificationsWorker = defineQueueFunction({
  name: 'notifications-worker',
  queueName: QUEUES.graphNotifications,
  handler: async (message, context) => {
    await useCases().handleNotifications(message, createLogger(context));
  },
});
