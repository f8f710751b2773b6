// Helpers for the subscription and notification tests: Graph /v1.0/subscriptions calls over real
// HTTPS, parsed with a schema written from subscription.md for these tests.
import { z } from 'zod';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { request, type HttpResult } from './sandbox-test-kit.js';

export const MINUTE = 60_000;

export const subscriptionSchema = z.object({
  id: z.string().min(1),
  resource: z.string(),
  applicationId: z.string(),
  changeType: z.literal('updated'),
  clientState: z.string().nullable(),
  notificationUrl: z.string(),
  lifecycleNotificationUrl: z.string().nullable(),
  expirationDateTime: z.iso.datetime(),
  creatorId: z.string(),
  latestSupportedTlsVersion: z.string(),
});
export type SubscriptionBody = z.infer<typeof subscriptionSchema>;

export function subscriptionRequest(
  sandbox: Sandbox,
  token: string,
  method: string,
  path = '',
  body?: unknown,
): Promise<HttpResult> {
  return request(`${sandbox.graphBaseUrl}/subscriptions${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Creates a subscription and fails loudly unless Graph answered 201. */
export async function createSubscription(
  sandbox: Sandbox,
  token: string,
  body: Record<string, unknown>,
): Promise<SubscriptionBody> {
  const result = await subscriptionRequest(sandbox, token, 'POST', '', { changeType: 'updated', ...body });
  if (result.status !== 201) throw new Error(`create subscription answered ${result.status}: ${result.text}`);
  return subscriptionSchema.parse(result.body);
}
