// Messages on graph-notifications and graph-lifecycle. They carry ids only: the webhook has already
// verified clientState, and the secret never travels further (invariant 8).
import { z } from 'zod';
import { idSchema } from '../domain/source.js';
import { LIFECYCLE_EVENTS } from '../../providers/microsoft/webhooks/notification-payloads.js';

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

export const lifecycleMessageSchema = z.object({
  subscriptionId: z.string().min(1).max(256),
  ...sourceRef,
  lifecycleEvent: z.enum(LIFECYCLE_EVENTS),
  receivedAt: z.iso.datetime(),
});

export type NotificationItem = z.infer<typeof notificationItemSchema>;
export type NotificationMessage = z.infer<typeof notificationMessageSchema>;
export type DebounceCheckMessage = z.infer<typeof debounceCheckMessageSchema>;
export type NotificationsQueueMessage = z.infer<typeof notificationsQueueMessageSchema>;
export type LifecycleMessage = z.infer<typeof lifecycleMessageSchema>;
