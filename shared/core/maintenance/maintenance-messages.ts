// One maintenance-work message per source per timer run: ids only.
import { z } from 'zod';
import { idSchema } from '../domain/source.js';

export const maintenanceWorkMessageSchema = z.object({
  kbId: idSchema,
  sourceId: idSchema,
  /** ISO time of the timer run that queued it; a message older than 30 minutes is skipped. */
  runAt: z.iso.datetime(),
});
export type MaintenanceWorkMessage = z.infer<typeof maintenanceWorkMessageSchema>;
