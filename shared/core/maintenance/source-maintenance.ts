// Maintenance of one source (a maintenance-work message): keep its watch alive (renew, recreate,
// periodic check), queue a poll when a polling source is due, queue the daily safety-net sync of a
// webhook source (watches can lose notifications silently, docs/notifications.md), and keep an idle
// grant alive so its sliding lifetime never runs out.
import { syncsOnItsOwn, type SourceKey, type SourceRecord } from '../domain/source.js';
import type { Logger } from '../ports/logger.js';
import type { MaintenanceMarks, MaintenanceMarksRepository } from '../ports/maintenance-marks-repository.js';
import type { SourceRepository } from '../ports/source-repository.js';
import type { SyncJobMessage } from '../queue/messages.js';
import type { WatchManager, WatchOutcome } from '../watch/watch-manager.js';
import { markNeedsReauth } from '../watch/mark-needs-reauth.js';
import { ReauthRequiredError } from '../domain/errors.js';
import type { TokenManager } from '../ports/provider-ports.js';

export interface SourceMaintenanceDeps {
  sources: Pick<SourceRepository, 'get' | 'update'>;
  watches: Pick<WatchManager, 'maintain' | 'wantsWatch'>;
  marks: Pick<MaintenanceMarksRepository, 'read' | 'mark'>;
  tokens: Pick<TokenManager, 'getAccessToken'>;
  enqueueSync(key: SourceKey, reason: SyncJobMessage['reason']): Promise<void>;
  safetyNetIntervalMinutes: number;
  tokenKeepAliveDays: number;
  defaultPollIntervalSeconds: number;
  log: Logger;
  /** The provider's clock (tests that move the sandbox clock pass the sandbox's). */
  now?: () => number;
}

export interface MaintenanceReport {
  status: 'done' | 'gone' | 'skipped';
  subscription?: WatchOutcome;
  queued?: 'poll' | 'safety-net';
  tokenKeptAlive?: boolean;
}

/** States in which the stored grant is worth keeping alive and the source worth syncing on a schedule. */
const LIVE_STATES: readonly SourceRecord['state'][] = ['active', 'held', 'error'];

export class SourceMaintenance {
  private readonly now: () => number;

  constructor(private readonly deps: SourceMaintenanceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async run(key: SourceKey): Promise<MaintenanceReport> {
    const source = (await this.deps.sources.get(key))?.record;
    if (!source) return { status: 'gone' };
    if (!LIVE_STATES.includes(source.state)) return { status: 'skipped' };
    const marks = await this.deps.marks.read(key);
    const report: MaintenanceReport = { status: 'done' };
    const newMarks: MaintenanceMarks = {};
    const now = this.now();
    const lastSyncMs = parseMs(source.lastSyncAt);

    let subscriptionError: Error | undefined;
    if (this.deps.watches.wantsWatch(source)) {
      try {
        report.subscription = await this.deps.watches.maintain(key);
      } catch (error) {
        // Finish the rest of the work first; the rethrow below lets the queue retry the message.
        subscriptionError = error instanceof Error ? error : new Error(String(error));
      }
      const lastSafetyNet = Math.max(lastSyncMs, marks.safetyNetQueuedAtMs ?? 0);
      if (syncsOnItsOwn(source.state) && now - lastSafetyNet >= this.deps.safetyNetIntervalMinutes * 60_000) {
        await this.deps.enqueueSync(key, 'safety-net');
        newMarks.safetyNetQueuedAtMs = now;
        report.queued = 'safety-net';
      }
    } else if (syncsOnItsOwn(source.state)) {
      const intervalMs = (source.pollIntervalSeconds || this.deps.defaultPollIntervalSeconds) * 1000;
      const dueMs = Math.max(lastSyncMs, marks.pollQueuedAtMs ?? 0) + intervalMs;
      if (now >= Math.min(dueMs, parseMs(source.nextPollAt) || dueMs)) {
        await this.deps.enqueueSync(key, 'poll');
        newMarks.pollQueuedAtMs = now;
        report.queued = 'poll';
      }
    }

    const lastTokenUse = Math.max(lastSyncMs, marks.tokenKeptAliveAtMs ?? 0);
    if (!report.queued && now - lastTokenUse >= this.deps.tokenKeepAliveDays * 86_400_000) {
      report.tokenKeptAlive = await this.keepTokenAlive(key);
      newMarks.tokenKeptAliveAtMs = now;
    }

    if (Object.keys(newMarks).length > 0) await this.deps.marks.mark(key, newMarks);
    if (subscriptionError !== undefined) throw subscriptionError;
    return report;
  }

  /**
   * One token request refreshes the grant (a stale access token forces a refresh, which rotates the
   * refresh token and restarts its sliding lifetime). A dead grant sends the source to needs_reauth.
   */
  private async keepTokenAlive(key: SourceKey): Promise<boolean> {
    try {
      await this.deps.tokens.getAccessToken(key);
      return true;
    } catch (error) {
      if (!(error instanceof ReauthRequiredError)) throw error;
      await markNeedsReauth(this.deps.sources, key, error, this.deps.log, 'maintenance.needs_reauth');
      return false;
    }
  }
}

function parseMs(iso: string | undefined): number {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}
