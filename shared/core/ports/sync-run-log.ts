// The sync history of a source (docs/operations.md, "Sync history"): one record per sync run, the
// newest first, the last SYNC_HISTORY_RUNS kept. The Table Storage adapter is
// shared/adapters/azure-tables/sync-run-store.ts.
import { z } from 'zod';
import type { SourceKey } from '../domain/source.js';

export const syncRunSchema = z
  .object({
    startedAt: z.string(),
    endedAt: z.string(),
    durationMs: z.number().int().min(0),
    reason: z.string().describe('Why the sync ran: registered, notification, poll, sync-now, resume, …'),
    outcome: z
      .enum(['synced', 'skipped', 'needs_reauth', 'error', 'not_found', 'lease_lost', 'failed'])
      .describe('failed: it threw (a transient failure); the queue retries it'),
    pages: z.number().int().min(0).nullable(),
    events: z.number().int().min(0).nullable(),
    held: z.number().int().min(0).nullable().describe('Deletes held by the mass-delete guard'),
    providerRequests: z.number().int().min(0).describe("Requests to the provider's API during the run"),
    followUpQueued: z.boolean(),
    error: z.string().nullable().describe('Why it did not sync (status and error code, never a URL or secret)'),
  })
  .describe('One sync run of a source');
export type SyncRun = z.infer<typeof syncRunSchema>;

export const syncRunsBodySchema = z
  .object({ runs: z.array(syncRunSchema).describe('The newest first') })
  .describe("A source's last sync runs");

export interface SyncRunLog {
  append(key: SourceKey, run: SyncRun): Promise<void>;
  /** The newest first. */
  list(key: SourceKey, limit: number): Promise<SyncRun[]>;
  deleteAll(key: SourceKey): Promise<void>;
}
