import { useCases } from '../shared/app/composition-root.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineHttpFunction } from '../shared/app/function-definitions.js';
import { webhookRoutes } from '../shared/core/watch/webhook-routes.js';
import { GOOGLE_WEBHOOK_NAME } from '../shared/providers/google/webhooks/google-webhook-name.js';

// Google Drive push notifications, on the Google provider's route webhooks/google: anonymous (Google
// sends no key); each notification proves itself with its channel token. Verify, enqueue, answer.
export const webhookGoogle = defineHttpFunction({
  name: 'webhook-google',
  methods: ['POST'],
  route: webhookRoutes(GOOGLE_WEBHOOK_NAME).notifications,
  authLevel: 'anonymous',
  handler: async (request, context) => {
    return useCases().receiveGoogleNotifications(request, createLogger(context));
  },
});
