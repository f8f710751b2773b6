// A maintenance-work message → SourceMaintenance.run. Malformed ones go to the poison queue; errors
// are rethrown so the queue retries (host.json maxDequeueCount, then maintenance-work-poison).
import type { QueueClient } from '@azure/storage-queue';
import { describeIssues } from '../http/request-parsing.js';
import type { Logger } from '../logging/logger.js';
import { sendToPoison } from '../queue/queue-writer.js';
import { maintenanceWorkMessageSchema } from './maintenance-messages.js';
import type { MaintenanceReport, SourceMaintenance } from './source-maintenance.js';

export async function handleMaintenanceMessage(
  deps: { maintenance: Pick<SourceMaintenance, 'run'>; poisonQueue: QueueClient; log: Logger },
  raw: unknown,
): Promise<MaintenanceReport | 'poisoned'> {
  const parsed = maintenanceWorkMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error)
      .map((issue) => `${issue.path}: ${issue.message}`)
      .join('; ');
    await sendToPoison(deps.poisonQueue, raw, `not a maintenance message: ${issues}`);
    deps.log.warn('maintenance.rejected', { issues });
    return 'poisoned';
  }
  const key = { kbId: parsed.data.kbId, sourceId: parsed.data.sourceId };
  const report = await deps.maintenance.run(key);
  if (report.status === 'done' && (report.queued || report.tokenKeptAlive || report.subscription !== 'current')) {
    deps.log.info('maintenance.source_done', { ...key, ...report });
  }
  return report;
}
