// Where Graph posts notifications: the two webhook routes under PUBLIC_BASE_URL (functions/webhook-*.ts).
export const WEBHOOK_ROUTE = 'webhooks/graph';
export const LIFECYCLE_WEBHOOK_ROUTE = 'webhooks/graph/lifecycle';

export function webhookUrls(publicBaseUrl: string): { notificationUrl: string; lifecycleNotificationUrl: string } {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return {
    notificationUrl: `${base}/api/${WEBHOOK_ROUTE}`,
    lifecycleNotificationUrl: `${base}/api/${LIFECYCLE_WEBHOOK_ROUTE}`,
  };
}
