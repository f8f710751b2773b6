// A maintenance-work message → SourceMaintenance.run. Malformed ones go to the poison queue; errors
// are rethrown so the queue retries (host.json maxDequeueCount, then maintenance-work-poison).
import type { Logger } from '../ports/logger.js';
import type { PoisonQueue } from '../ports/poison-queue.js';
import { maintenanceWorkMessageSchema } from './maintenance-messages.js';
import type { MaintenanceReport, SourceMaintenance } from './source-maintenance.js';
import { parseOrPoison } from '../queue/parse-queue-message.js';

/** Several timer runs' worth: by then newer messages for the same source are queued. */
const STALE_AFTER_MS = 30 * 60_000;

export async function handleMaintenanceMessage(
  deps: { maintenance: Pick<SourceMaintenance, 'run'>; poisonQueue: PoisonQueue; log: Logger },
  raw: unknown,
): Promise<MaintenanceReport | 'poisoned'> {
  const parsed = await parseOrPoison(maintenanceWorkMessageSchema, raw, { ...deps, what: 'maintenance' });
  if (!parsed.ok) return 'poisoned';
  const key = { kbId: parsed.value.kbId, sourceId: parsed.value.sourceId };
  // A backlog from long ago (workers were down) is superseded by the messages of later runs.
  if (Date.now() - Date.parse(parsed.value.runAt) > STALE_AFTER_MS) {
    deps.log.info('maintenance.stale_message_skipped', { ...key, runAt: parsed.value.runAt });
    return { status: 'skipped' };
  }
  const report = await deps.maintenance.run(key);
  if (report.status === 'done' && (report.queued || report.tokenKeptAlive || report.subscription !== 'current')) {
    deps.log.info('maintenance.source_done', { ...key, ...report });
  }
  return report;
}
