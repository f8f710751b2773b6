// A maintenance-work message → SourceMaintenance.run. Malformed ones go to the poison queue; errors
// are rethrown so the queue retries (host.json maxDequeueCount, then maintenance-work-poison).
import type { QueueClient } from '@azure/storage-queue';
import type { Logger } from '../logging/logger.js';
import { maintenanceWorkMessageSchema } from './maintenance-messages.js';
import type { MaintenanceReport, SourceMaintenance } from './source-maintenance.js';
import { parseOrPoison } from '../notifications/parse-queue-message.js';

export async function handleMaintenanceMessage(
  deps: { maintenance: Pick<SourceMaintenance, 'run'>; poisonQueue: QueueClient; log: Logger },
  raw: unknown,
): Promise<MaintenanceReport | 'poisoned'> {
  const parsed = await parseOrPoison(maintenanceWorkMessageSchema, raw, { ...deps, what: 'maintenance' });
  if (!parsed.ok) return 'poisoned';
  const key = { kbId: parsed.value.kbId, sourceId: parsed.value.sourceId };
  const report = await deps.maintenance.run(key);
  if (report.status === 'done' && (report.queued || report.tokenKeptAlive || report.subscription !== 'current')) {
    deps.log.info('maintenance.source_done', { ...key, ...report });
  }
  return report;
}
