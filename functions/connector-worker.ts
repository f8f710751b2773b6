import { useCases } from '../shared/app/composition-root.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineQueueFunction } from '../shared/app/function-definitions.js';
import { QUEUES } from '../shared/adapters/storage/names.js';

// One run of a KB's connector: read the feed from its cursor and apply it to Open WebUI
// (docs/open-webui.md).
export const connectorWorker = defineQueueFunction({
  name: 'connector-worker',
  queueName: QUEUES.connectorWork,
  handler: async (message, context) => {
    const outcome = await useCases().runConnector(message, createLogger(context));
    createLogger(context).info('connector.run', { outcome });
  },
});
