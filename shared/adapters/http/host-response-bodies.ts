// The JSON bodies of host routes that are put together in the trigger (the feed page, the status view
// and problems have their schemas where they are built). The triggers check their bodies against these
// types (`satisfies`), and the OpenAPI document shows these schemas, so the two cannot drift apart.
import { z } from 'zod';
import { sourceStatusViewSchema } from '../../core/sources/source-status-view.js';

export const healthBodySchema = z
  .object({ status: z.enum(['ok', 'unavailable']) })
  .describe('Whether storage answers; never why not');
export type HealthBody = z.infer<typeof healthBodySchema>;

export const syncQueuedBodySchema = z.object({ status: z.literal('queued') });
export type SyncQueuedBody = z.infer<typeof syncQueuedBodySchema>;

export const sourceListBodySchema = z.object({ sources: z.array(sourceStatusViewSchema) });
export type SourceListBody = z.infer<typeof sourceListBodySchema>;

export const deletesConfirmedBodySchema = z.object({
  released: z.number().int().describe('How many held deletes were applied'),
  source: sourceStatusViewSchema,
});
export type DeletesConfirmedBody = z.infer<typeof deletesConfirmedBodySchema>;

export const attachmentListBodySchema = z.object({
  value: z.array(
    z.object({
      id: z.string().describe('Give it to …/attachments/{attachmentId}/content'),
      name: z.string(),
      contentType: z.string(),
      size: z.number().int().optional(),
      isInline: z.boolean().describe('Shown in the body (an embedded image) rather than listed'),
    }),
  ),
});
export type AttachmentListBody = z.infer<typeof attachmentListBodySchema>;
