import { useCases } from '../shared/app/composition-root.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineQueueFunction } from '../shared/app/function-definitions.js';
import { QUEUES } from '../shared/adapters/storage/names.js';

// Maintenance of one source: subscription renewal/recreation, due polls, safety-net delta, token keep-alive.
export const maintenanceWorker = defineQueueFunction({
  name: 'maintenance-worker',
  queueName: QUEUES.maintenanceWork,
  handler: async (message, context) => {
    await useCases().maintainSource(message, createLogger(context));
  },
});
