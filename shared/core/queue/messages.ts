// Queue message shapes. Messages carry ids only, never secrets or tokens (invariant 8).
import { z } from 'zod';
import { idSchema } from '../domain/source.js';

export const SYNC_REASONS = [
  'registered',
  'sync-now',
  'notification',
  'poll',
  'safety-net',
  'follow-up',
  'reconnected',
  'resubscribed',
] as const;

export const syncJobMessageSchema = z.object({
  kbId: idSchema,
  sourceId: idSchema,
  reason: z.enum(SYNC_REASONS),
  requestedAt: z.iso.datetime().optional(),
});
export type SyncJobMessage = z.infer<typeof syncJobMessageSchema>;
