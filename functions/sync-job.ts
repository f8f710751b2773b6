import { useCases } from '../shared/app/composition-root.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineQueueFunction } from '../shared/app/function-definitions.js';
import { QUEUES } from '../shared/adapters/storage/names.js';

// One sync of one source per message; a webhook source subscribes once its initial crawl is done
// (docs/notifications.md). Malformed messages go to sync-jobs-poison; thrown errors retry.
export const syncJob = defineQueueFunction({
  name: 'syncJob',
  queueName: QUEUES.syncJobs,
  handler: async (message, context) => {
    await useCases().runSyncJob(message, createLogger(context));
  },
});
