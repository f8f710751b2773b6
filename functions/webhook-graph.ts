import { createLogger } from '../shared/logging/logger.js';
import { handleWebhookRequest } from '../shared/notifications/webhook-http.js';
import { getWebhookServices } from '../shared/notifications/webhook-services.js';
import { defineHttpFunction } from '../shared/runtime/function-definitions.js';
import { WEBHOOK_ROUTE } from '../shared/subscriptions/webhook-urls.js';

// Graph's change notifications: anonymous (Graph sends no key); each notification proves itself with
// clientState. Validate, verify, enqueue, answer 202 (docs/notifications.md).
export const webhookGraph = defineHttpFunction({
  name: 'webhook-graph',
  methods: ['POST'],
  route: WEBHOOK_ROUTE,
  authLevel: 'anonymous',
  handler: async (request, context) => {
    const { receiver, maxBodyBytes } = getWebhookServices();
    return handleWebhookRequest(request, 'changes', receiver, maxBodyBytes, createLogger(context));
  },
});
