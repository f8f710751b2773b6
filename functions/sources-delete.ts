import { getServices } from '../shared/app/composition-root.js';
import { problem, retryableProblem } from '../shared/adapters/http/problem.js';
import { parseSourceKey } from '../shared/adapters/http/request-parsing.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { getNotificationServices } from '../shared/app/notification-services.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';
import { deleteSource } from '../shared/core/sources/delete-source.js';

// Remove a source: subscription, credentials, item state, its events, then the source. 204.
export const sourcesDelete = defineHttpFunction({
  name: 'sourcesDelete',
  methods: ['DELETE'],
  route: 'kbs/{kbId}/sources/{sourceId}',
  authLevel: 'function',
  handler: async (request, context) => {
    const key = parseSourceKey(request);
    if (!key.ok) return key.response;
    const services = getServices();
    const { subscriptionStore, debounceStore, maintenanceMarks } = getNotificationServices();
    const result = await deleteSource(
      {
        ...services,
        subscriptionStore,
        debounceStore,
        maintenanceMarks,
        leaseMs: services.config.syncLeaseSeconds * 1000,
        log: createLogger(context),
      },
      key.value,
    );
    switch (result.kind) {
      case 'deleted':
        return { status: 204 };
      case 'not_found':
        return problem(404, 'source not found');
      case 'busy':
        return retryableProblem(409, 'a sync of this source is running', 5);
    }
  },
});
