// The maintenance marks port: when maintenance last queued a poll or a safety-net sync for a source,
// or kept its token alive. Kept apart from the source record so maintenance never races the sync
// engine's writes to it. The Table Storage adapter is shared/adapters/azure-tables/maintenance-marks.ts.
import { z } from 'zod';
import type { SourceKey } from '../domain/source.js';

export const maintenanceMarksSchema = z.object({
  pollQueuedAtMs: z.number().optional(),
  safetyNetQueuedAtMs: z.number().optional(),
  tokenKeptAliveAtMs: z.number().optional(),
});
export type MaintenanceMarks = z.infer<typeof maintenanceMarksSchema>;

export interface MaintenanceMarksRepository {
  /** The source's marks; none when it has none (or they are unreadable). */
  read(key: SourceKey): Promise<MaintenanceMarks>;
  /** Merges the given marks (one worker per source per run, so last-writer-wins is enough). */
  mark(key: SourceKey, marks: MaintenanceMarks): Promise<void>;
  /** Idempotent. */
  delete(key: SourceKey): Promise<void>;
}
