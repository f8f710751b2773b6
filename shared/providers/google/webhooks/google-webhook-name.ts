// The Google provider's webhook route: Drive channels post to `{PUBLIC_BASE_URL}/api/webhooks/google`
// (core/watch/webhook-routes.ts). Channels have no lifecycle events, so there is no lifecycle route.
export const GOOGLE_WEBHOOK_NAME = 'google';
