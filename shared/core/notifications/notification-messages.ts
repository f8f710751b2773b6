// Messages on the notifications and lifecycle queues. They carry ids only: the webhook has already
// verified the watch's secret, and the secret never travels further (invariant 8). `subscriptionId`
// is the watch id (ports/watch-source.ts).
import { z } from 'zod';
import { idSchema } from '../domain/source.js';
import { WATCH_LIFECYCLE_EVENTS, type WatchLifecycleEvent } from '../ports/watch-source.js';

const sourceRef = { kbId: idSchema, sourceId: idSchema };

/** One verified subscription's notifications from one POST (`count` of them). */
export const notificationItemSchema = z.object({
  subscriptionId: z.string().min(1).max(256),
  ...sourceRef,
  count: z.number().int().positive(),
});

/** From the webhook: items of one or several POSTs, grouped into one message (group-commit-queue.ts). */
export const notificationMessageSchema = z.object({
  kind: z.literal('notifications'),
  items: z.array(notificationItemSchema).min(1).max(500),
  receivedAt: z.iso.datetime(),
});

/** From the notification worker to itself: "is the burst for this source over yet?" (sync-coalescer.ts). */
export const debounceCheckMessageSchema = z.object({
  kind: z.literal('debounce-check'),
  ...sourceRef,
  armId: z.string().min(1).max(64),
});

export const notificationsQueueMessageSchema = z.discriminatedUnion('kind', [
  notificationMessageSchema,
  debounceCheckMessageSchema,
]);

/**
 * The names lifecycle messages carried before they were neutral (the first provider's own). Messages
 * still on the queue from before the change keep being handled; this can go once no such message can
 * be left (a queue message lives at most 7 days).
 */
const EARLIER_EVENT_NAMES: Readonly<Record<string, WatchLifecycleEvent>> = {
  reauthorizationRequired: 'reauthorization_required',
  subscriptionRemoved: 'removed',
};

const lifecycleEventSchema = z.preprocess(
  (name) => (typeof name === 'string' && Object.hasOwn(EARLIER_EVENT_NAMES, name) ? EARLIER_EVENT_NAMES[name] : name),
  z.enum(WATCH_LIFECYCLE_EVENTS),
);

export const lifecycleMessageSchema = z.object({
  subscriptionId: z.string().min(1).max(256),
  ...sourceRef,
  lifecycleEvent: lifecycleEventSchema,
  receivedAt: z.iso.datetime(),
});

export type NotificationItem = z.infer<typeof notificationItemSchema>;
export type NotificationMessage = z.infer<typeof notificationMessageSchema>;
export type DebounceCheckMessage = z.infer<typeof debounceCheckMessageSchema>;
export type NotificationsQueueMessage = z.infer<typeof notificationsQueueMessageSchema>;
export type LifecycleMessage = z.infer<typeof lifecycleMessageSchema>;
