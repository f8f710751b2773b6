import { useCases } from '../shared/app/composition-root.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';
import { webhookRoutes } from '../shared/core/watch/webhook-routes.js';
import { GRAPH_WEBHOOK_NAME } from '../shared/providers/microsoft/webhooks/graph-watch-policy.js';

// Graph's change notifications, on the Microsoft provider's route webhooks/graph: anonymous (Graph sends no key); each notification proves itself with
// clientState. Validate, verify, enqueue, answer 202 (docs/notifications.md).
export const webhookGraph = defineHttpFunction({
  name: 'webhook-graph',
  methods: ['POST'],
  route: webhookRoutes(GRAPH_WEBHOOK_NAME).notifications,
  authLevel: 'anonymous',
  handler: async (request, context) => {
    return useCases().receiveGraphNotifications(request, createLogger(context));
  },
});
