// DELETE /api/kbs/{kbId}/sources/{sourceId}: removes everything the source left behind. The source row
// goes last, so a crash midway leaves a source that a repeated DELETE finishes removing. Done under
// the sync lease: a sync running meanwhile would write items and events for a source being removed.
import type { SourceKey } from '../domain/source.js';
import type { ChangeFeedStore } from '../../adapters/azure-tables/change-feed-store.js';
import type { ItemStore } from '../../adapters/azure-tables/item-store.js';
import type { Logger } from '../../adapters/logging/logger.js';
import type { MaintenanceMarksStore } from '../../adapters/azure-tables/maintenance-marks.js';
import type { DebounceStore } from '../../adapters/azure-tables/debounce-store.js';
import type { TableLeaseStore } from '../../adapters/azure-tables/table-lease.js';
import { giveUpSubscription } from '../watch/give-up-subscription.js';
import type { SubscriptionStore } from '../../adapters/azure-tables/subscription-store.js';
import type { ProviderRegistry, TokenManager } from '../ports/provider-ports.js';
import { syncLeaseKey } from '../sync/sync-source.js';
import type { SourceStore } from '../../adapters/azure-tables/source-store.js';

export interface DeleteSourceDependencies {
  sources: SourceStore;
  items: ItemStore;
  feed: ChangeFeedStore;
  tokens: TokenManager;
  providers: ProviderRegistry;
  syncLeases: TableLeaseStore;
  /** Rows the notification and maintenance parts keep per source; left behind, they outlive it. */
  subscriptionStore: Pick<SubscriptionStore, 'delete'>;
  debounceStore: Pick<DebounceStore, 'delete'>;
  maintenanceMarks: Pick<MaintenanceMarksStore, 'delete'>;
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
