// Typed client for the subscriptions control API (/_sandbox/subscriptions…). Construct it with the
// sandbox's base URL: new SubscriptionsControl(sandbox.baseUrl).
import { z } from 'zod';
import { deliveryLogEntrySchema, type DeliveryLogEntry } from './delivery-log.js';
import {
  subscriptionSettingsSchema,
  type SubscriptionSettings,
  type SubscriptionSettingsPatch,
} from './subscription-settings.js';
import {
  subscriptionSummarySchema,
  type LifecycleRequest,
  type SubscriptionSummary,
} from './subscriptions-control-schemas.js';

export class SubscriptionsControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class SubscriptionsControl {
  constructor(readonly baseUrl: string) {}

  /** Live subscriptions, without clientState. */
  list(): Promise<SubscriptionSummary[]> {
    return this.call('GET', '', undefined, z.array(subscriptionSummarySchema));
  }

  /** Removes a subscription without any notification, as Graph does for drives. */
  async removeSilently(subscriptionId: string): Promise<void> {
    await this.call('DELETE', `/${encodeURIComponent(subscriptionId)}`, undefined, undefined);
  }

  /** Queues a lifecycle notification; subscriptionRemoved and missed need evenForDriveItem: true. */
  async sendLifecycle(subscriptionId: string, request: LifecycleRequest): Promise<void> {
    await this.call('POST', `/${encodeURIComponent(subscriptionId)}/lifecycle`, request, undefined);
  }

  /** Sends pending batches and everything due on the sandbox clock; resolves when all sends ended. */
  runDue(): Promise<{ waiting: number }> {
    return this.call('POST', '/run-due', {}, z.object({ waiting: z.number() }));
  }

  deliveries(): Promise<DeliveryLogEntry[]> {
    return this.call('GET', '/deliveries', undefined, z.array(deliveryLogEntrySchema));
  }

  /** Loses every notification not sent yet (batches and retries), as before a `missed` event. */
  dropUnsent(): Promise<{ dropped: number }> {
    return this.call('POST', '/deliveries/drop-unsent', {}, z.object({ dropped: z.number() }));
  }

  async clearDeliveries(): Promise<void> {
    await this.call('DELETE', '/deliveries', undefined, undefined);
  }

  settings(patch: SubscriptionSettingsPatch = {}): Promise<SubscriptionSettings> {
    return this.call('PATCH', '/settings', patch, subscriptionSettingsSchema);
  }

  private async call<T>(method: string, path: string, body: unknown, schema: z.ZodType<T> | undefined): Promise<T> {
    const response = await fetch(`${this.baseUrl}/_sandbox/subscriptions${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok)
      throw new SubscriptionsControlError(
        response.status,
        `${method} /_sandbox/subscriptions${path} → ${response.status}: ${text}`,
      );
    if (!schema) return undefined as T;
    return schema.parse(JSON.parse(text));
  }
}
