// Messages on graph-notifications and graph-lifecycle. They carry ids only: the webhook has already
// verified clientState, and the secret never travels further (invariant 8).
import { z } from 'zod';
import { idSchema } from '../domain/source.js';
import { LIFECYCLE_EVENTS } from './notification-payloads.js';

const sourceRef = { kbId: idSchema, sourceId: idSchema };

/** From the webhook: one per subscription per POST, `count` verified notifications. */
export const notificationMessageSchema = z.object({
  kind: z.literal('notification'),
  subscriptionId: z.string().min(1).max(256),
  ...sourceRef,
  count: z.number().int().positive(),
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

export type NotificationMessage = z.infer<typeof notificationMessageSchema>;
export type DebounceCheckMessage = z.infer<typeof debounceCheckMessageSchema>;
export type NotificationsQueueMessage = z.infer<typeof notificationsQueueMessageSchema>;
export type LifecycleMessage = z.infer<typeof lifecycleMessageSchema>;
