import { useCases } from '../shared/app/composition-root.js';
import { createLogger } from '../shared/adapters/logging/logger.js';
import { defineTimerFunction } from '../shared/app/function-definitions.js';

// Every MAINTENANCE_SCHEDULE: one maintenance-work message per source (maintenance-worker does the
// work), then bounded cleanups of long-expired lease rows and of abandoned connect flows.
export const maintenanceTimer = defineTimerFunction({
  name: 'maintenance-timer',
  schedule: '%MAINTENANCE_SCHEDULE%',
  runOnStartup: false,
  handler: async (_timer, context) => {
    const report = await useCases().maintenanceTick();
    createLogger(context).info('maintenance.fanned_out', { ...report });
  },
});
