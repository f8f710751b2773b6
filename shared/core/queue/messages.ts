// Queue message shapes. Messages carry ids only, never secrets or tokens (invariant 8).
import { z } from 'zod';
import { idSchema } from '../domain/source.js';

export const SYNC_REASONS = [
  'registered',
  'sync-now',
  'notification',
  'poll',
  'safety-net',
  /** Written by earlier versions (a busy job's one follow-up); still accepted from queued messages. */
  'follow-up',
  /** A sync's watchdog, left behind only by a killed run: resumes an interrupted crawl. */
  'resume',
  'reconnected',
  'resubscribed',
] as const;

/** How often one request may wait for a busy source (about 8 hours with the default 60 s lease). */
export const MAX_REQUEUES = 500;

export const syncJobMessageSchema = z.object({
  kbId: idSchema,
  sourceId: idSchema,
  reason: z.enum(SYNC_REASONS),
  /** When the sync was asked for; kept when the job re-queues itself (shared/core/sync/run-sync-job.ts). */
  requestedAt: z.iso.datetime().optional(),
  /** Set on a job that re-queued itself: how many times it has. */
  requeues: z.number().int().min(1).max(MAX_REQUEUES).optional(),
});
export type SyncJobMessage = z.infer<typeof syncJobMessageSchema>;
