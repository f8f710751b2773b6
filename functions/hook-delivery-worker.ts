import { useCases } from '../shared/app/composition-root.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineQueueFunction } from '../shared/app/function-definitions.js';
import { QUEUES } from '../shared/adapters/storage/names.js';

// A scheduled push to a KB's hook: the signed POST of { kbId, headCursor }, then a retry or disabling
// (docs/api.md, "Push to the host").
export const hookDeliveryWorker = defineQueueFunction({
  name: 'hook-delivery-worker',
  queueName: QUEUES.hookDelivery,
  handler: async (message, context) => {
    await useCases().deliverHook(message, createLogger(context));
  },
});
