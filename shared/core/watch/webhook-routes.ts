// Where providers post notifications: each provider has its own pair of routes under the host's
// `/api` prefix, named by its watch source (`webhooks/{name}` and `webhooks/{name}/lifecycle`). The
// function files register these routes; the watch manager builds the callback URLs from them, so a new
// provider brings its name and its webhook function, and nothing here changes.
import type { WatchSource } from '../ports/watch-source.js';

export interface WebhookRoutes {
  notifications: string;
  lifecycle: string;
}

export function webhookRoutes(webhookName: string): WebhookRoutes {
  return { notifications: `webhooks/${webhookName}`, lifecycle: `webhooks/${webhookName}/lifecycle` };
}

/** The URLs a watch of `watch` is created with; a lifecycle URL only when the provider sends lifecycle events. */
export function webhookUrls(
  publicBaseUrl: string,
  watch: Pick<WatchSource, 'webhookName' | 'policy'>,
): { callbackUrl: string; lifecycleUrl?: string } {
  const base = `${publicBaseUrl.replace(/\/+$/, '')}/api`;
  const routes = webhookRoutes(watch.webhookName);
  const callbackUrl = `${base}/${routes.notifications}`;
  if (watch.policy.lifecycleEvents.length === 0) return { callbackUrl };
  return { callbackUrl, lifecycleUrl: `${base}/${routes.lifecycle}` };
}
