// What Graph posts to the webhook endpoints (docs/graph-behaviour.md §4; Microsoft Graph "changeNotification
// resource type" and "Reduce missing subscriptions and change notifications"). Tolerant of fields we do
// not use (zod drops them), strict on the ones we act on. Real lifecycle payloads have been seen with
// `organizationId` instead of `tenantId`, so both are read.
import { z } from 'zod';
import type { WatchLifecycleEvent } from '../../../core/ports/watch-source.js';

/** Upper bound on notifications per POST: Graph batches far fewer; this bounds the work of one request. */
export const MAX_NOTIFICATIONS_PER_POST = 1_000;

export const LIFECYCLE_EVENTS = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

/** Graph's lifecycle events in the neutral names the core acts on (ports/watch-source.ts). */
export const NEUTRAL_LIFECYCLE_EVENT: Readonly<Record<LifecycleEvent, WatchLifecycleEvent>> = {
  reauthorizationRequired: 'reauthorization_required',
  subscriptionRemoved: 'removed',
  missed: 'missed',
};

const common = {
  subscriptionId: z.string().min(1).max(256),
  // Compared (as a digest) and then forgotten; never logged, stored or enqueued (invariant 8).
  clientState: z.string().max(1_024).nullish(),
  tenantId: z.string().max(256).nullish(),
  organizationId: z.string().max(256).nullish(),
  subscriptionExpirationDateTime: z.string().max(64).nullish(),
};

export const changeNotificationSchema = z.object({
  ...common,
  changeType: z.string().max(64).nullish(),
  resource: z.string().max(2_048).nullish(),
});

export const lifecycleNotificationSchema = z.object({ ...common, lifecycleEvent: z.enum(LIFECYCLE_EVENTS) });

export const changeNotificationBatchSchema = z.object({
  value: z.array(changeNotificationSchema).min(1).max(MAX_NOTIFICATIONS_PER_POST),
});
export const lifecycleNotificationBatchSchema = z.object({
  value: z.array(lifecycleNotificationSchema).min(1).max(MAX_NOTIFICATIONS_PER_POST),
});

export type ChangeNotification = z.infer<typeof changeNotificationSchema>;
export type LifecycleNotification = z.infer<typeof lifecycleNotificationSchema>;

/** The tenant a notification claims to come from, whichever field carries it. */
export function notificationTenant(notification: { tenantId?: string | null; organizationId?: string | null }) {
  return notification.tenantId ?? notification.organizationId ?? undefined;
}
