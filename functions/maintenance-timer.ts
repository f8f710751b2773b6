import { ConnectStateStore } from '../shared/adapters/azure-tables/connect-state-store.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { deleteExpiredLeases } from '../shared/adapters/azure-tables/expired-lease-cleanup.js';
import { fanOutMaintenance } from '../shared/core/maintenance/maintenance-fan-out.js';
import { getNotificationServices } from '../shared/app/notification-services.js';
import { sendJson } from '../shared/adapters/azure-queues/queue-writer.js';
import { defineTimerFunction } from '../shared/app/function-definitions.js';
import { QUEUES, TABLES } from '../shared/adapters/storage/names.js';

// Every MAINTENANCE_SCHEDULE: one maintenance-work message per source (maintenance-worker does the
// work), then bounded cleanups of long-expired lease rows and of abandoned connect flows.
export const maintenanceTimer = defineTimerFunction({
  name: 'maintenance-timer',
  schedule: '%MAINTENANCE_SCHEDULE%',
  runOnStartup: false,
  handler: async (_timer, context) => {
    const { services } = getNotificationServices();
    const log = createLogger(context);
    const queue = services.storage.queue(QUEUES.maintenanceWork);
    const { queued } = await fanOutMaintenance({
      listSources: () => services.sources.listAll(),
      send: (message, delaySeconds) => sendJson(queue, message, { delaySeconds }),
    });
    const leasesDeleted = await deleteExpiredLeases(services.storage.table(TABLES.leases));
    const connectFlowsPurged = await new ConnectStateStore(services.storage.table(TABLES.connectStates)).purgeExpired(
      Date.now(),
    );
    log.info('maintenance.fanned_out', { queued, leasesDeleted, connectFlowsPurged });
  },
});
