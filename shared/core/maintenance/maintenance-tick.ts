// One run of the maintenance timer: queue one maintenance-work message per source (the per-source
// work runs in maintenance-worker), then the bounded cleanups of long-expired lease rows and of
// abandoned connect flows. One use case, so the timer trigger only calls it and logs the counts.
import type { ConnectStateRepository } from '../ports/connect-state-repository.js';
import { fanOutMaintenance, type FanOutDeps } from './maintenance-fan-out.js';

export interface MaintenanceTickDeps {
  fanOut: FanOutDeps;
  /** Removes lease rows that expired long ago (bounded); returns how many. */
  deleteExpiredLeases(): Promise<number>;
  connectStates: Pick<ConnectStateRepository, 'purgeExpired'>;
  now?: () => number;
}

export interface MaintenanceTickReport {
  queued: number;
  leasesDeleted: number;
  connectFlowsPurged: number;
}

export async function runMaintenanceTick(deps: MaintenanceTickDeps): Promise<MaintenanceTickReport> {
  const { queued } = await fanOutMaintenance(deps.fanOut);
  const leasesDeleted = await deps.deleteExpiredLeases();
  const connectFlowsPurged = await deps.connectStates.purgeExpired((deps.now ?? Date.now)());
  return { queued, leasesDeleted, connectFlowsPurged };
}
