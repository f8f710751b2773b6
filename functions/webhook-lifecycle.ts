import { useCases } from '../shared/app/composition-root.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';
import { webhookRoutes } from '../shared/core/watch/webhook-routes.js';
import { GRAPH_WEBHOOK_NAME } from '../shared/providers/microsoft/webhooks/graph-watch-policy.js';

// Graph's lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed): the same
// checks as webhook-graph, queued to graph-lifecycle for lifecycle-worker.
export const webhookLifecycle = defineHttpFunction({
  name: 'webhook-lifecycle',
  methods: ['POST'],
  route: webhookRoutes(GRAPH_WEBHOOK_NAME).lifecycle,
  authLevel: 'anonymous',
  handler: async (request, context) => {
    return useCases().receiveGraphLifecycleNotifications(request, createLogger(context));
  },
});
