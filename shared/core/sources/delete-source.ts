// DELETE /api/kbs/{kbId}/sources/{sourceId}: removes everything the source left behind. The source row
// goes last, so a crash midway leaves a source that a repeated DELETE finishes removing. Done under
// the sync lease: a sync running meanwhile would write items and events for a source being removed.
import type { SourceKey } from '../domain/source.js';
import type { ChangeFeed } from '../ports/change-feed.js';
import type { DebounceStateRepository } from '../ports/debounce-state-repository.js';
import type { ItemRepository } from '../ports/item-repository.js';
import type { LeaseStore } from '../ports/lease-store.js';
import type { Logger } from '../ports/logger.js';
import type { MaintenanceMarksRepository } from '../ports/maintenance-marks-repository.js';
import type { ProviderRegistry, TokenManager } from '../ports/provider-ports.js';
import type { SourceRepository } from '../ports/source-repository.js';
import type { SyncRunLog } from '../ports/sync-run-log.js';
import type { WatchRepository } from '../ports/watch-repository.js';
import { syncLeaseKey } from '../sync/sync-source.js';
import { giveUpSubscription } from '../watch/give-up-subscription.js';

export interface DeleteSourceDependencies {
  sources: Pick<SourceRepository, 'get' | 'delete'>;
  items: Pick<ItemRepository, 'deleteAll'>;
  feed: Pick<ChangeFeed, 'deleteSourceEvents'>;
  tokens: TokenManager;
  providers: ProviderRegistry;
  syncLeases: Pick<LeaseStore, 'tryAcquire'>;
  /** Rows the notification and maintenance parts keep per source; left behind, they outlive it. */
  subscriptionStore: Pick<WatchRepository, 'get' | 'delete'>;
  debounceStore: Pick<DebounceStateRepository, 'delete'>;
  maintenanceMarks: Pick<MaintenanceMarksRepository, 'delete'>;
  syncRuns: Pick<SyncRunLog, 'deleteAll'>;
  leaseMs: number;
  log: Logger;
}

export type DeleteSourceResult = { kind: 'deleted' } | { kind: 'not_found' } | { kind: 'busy' };

export async function deleteSource(deps: DeleteSourceDependencies, key: SourceKey): Promise<DeleteSourceResult> {
  const lease = await deps.syncLeases.tryAcquire(syncLeaseKey(key), deps.leaseMs);
  if (!lease) return { kind: 'busy' };
  try {
    const stored = await deps.sources.get(key);
    if (!stored) return { kind: 'not_found' };
    await giveUpSubscription(deps.providers, deps.subscriptionStore, stored.record);
    await deps.debounceStore.delete(key);
    await deps.maintenanceMarks.delete(key);
    await deps.syncRuns.deleteAll(key);
    await deps.tokens.revoke(key);
    await deps.items.deleteAll(key);
    const events = await deps.feed.deleteSourceEvents(key.kbId, key.sourceId);
    await deps.sources.delete(key);
    deps.log.info('source.deleted', { ...key, events });
    return { kind: 'deleted' };
  } finally {
    await lease.release();
  }
}
