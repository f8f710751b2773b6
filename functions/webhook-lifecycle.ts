import { createLogger } from '../shared/logging/logger.js';
import { handleWebhookRequest } from '../shared/notifications/webhook-http.js';
import { getWebhookServices } from '../shared/notifications/webhook-services.js';
import { defineHttpFunction } from '../shared/runtime/function-definitions.js';
import { LIFECYCLE_WEBHOOK_ROUTE } from '../shared/subscriptions/webhook-urls.js';

// Graph's lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed): the same
// checks as webhook-graph, queued to graph-lifecycle for lifecycle-worker.
export const webhookLifecycle = defineHttpFunction({
  name: 'webhook-lifecycle',
  methods: ['POST'],
  route: LIFECYCLE_WEBHOOK_ROUTE,
  authLevel: 'anonymous',
  handler: async (request, context) => {
    const { receiver, maxBodyBytes } = getWebhookServices();
    return handleWebhookRequest(request, 'lifecycle', receiver, maxBodyBytes, createLogger(context));
  },
});
