import { getServices } from '../shared/app/composition-root.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { getNotificationServices } from '../shared/app/notification-services.js';
import { defineQueueFunction } from '../shared/app/function-definitions.js';
import { runSyncJob } from '../shared/core/sync/run-sync-job.js';
import { QUEUES } from '../shared/adapters/storage/names.js';
import { poisonQueueOf } from '../shared/adapters/azure-queues/poison-queue.js';
import { subscribeAfterSync } from '../shared/core/watch/subscribe-after-sync.js';

// One sync of one source per message. Malformed messages go to sync-jobs-poison; thrown errors retry.
export const syncJob = defineQueueFunction({
  name: 'syncJob',
  queueName: QUEUES.syncJobs,
  handler: async (message, context) => {
    const services = getServices();
    const log = createLogger(context);
    const result = await runSyncJob(
      {
        syncer: services.syncer(log),
        syncJobs: services.syncJobs,
        poisonQueue: poisonQueueOf(services.storage, QUEUES.syncJobs),
        leaseSeconds: services.config.syncLeaseSeconds,
        log,
      },
      message,
    );
    // A webhook source subscribes once its initial crawl is done (docs/notifications.md).
    await subscribeAfterSync(getNotificationServices().watches(log), message, result, log);
  },
});
