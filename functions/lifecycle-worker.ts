import { useCases } from '../shared/app/composition-root.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineQueueFunction } from '../shared/app/function-definitions.js';
import { QUEUES } from '../shared/adapters/storage/names.js';

// Verified lifecycle events: reauthorize, recreate then delta, or delta (docs/notifications.md).
export const lifecycleWorker = defineQueueFunction({
  name: 'lifecycle-worker',
  queueName: QUEUES.graphLifecycle,
  handler: async (message, context) => {
    await useCases().handleLifecycleEvent(message, createLogger(context));
  },
});
