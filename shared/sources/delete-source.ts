// DELETE /api/kbs/{kbId}/sources/{sourceId}: removes everything the source left behind. The source row
// goes last, so a crash midway leaves a source that a repeated DELETE finishes removing. Done under
// the sync lease: a sync running meanwhile would write items and events for a source being removed.
import type { SourceKey, SourceRecord } from '../domain/source.js';
import type { ChangeFeedStore } from '../feed/change-feed-store.js';
import type { ItemStore } from '../items/item-store.js';
import type { Logger } from '../logging/logger.js';
import type { MaintenanceMarksStore } from '../maintenance/maintenance-marks.js';
import type { DebounceStore } from '../notifications/debounce-store.js';
import type { TableLeaseStore } from '../storage/table-lease.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { NotFoundError } from '../sync/errors.js';
import type { ProviderRegistry, TokenManager } from '../sync/ports.js';
import { syncLeaseKey } from '../sync/sync-source.js';
import type { SourceStore } from './source-store.js';

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
    await deleteSubscription(deps, stored.record);
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

/** In Graph first, then our row: a row without a subscription is harmless, the reverse is not. */
async function deleteSubscription(deps: DeleteSourceDependencies, record: SourceRecord): Promise<void> {
  const subscriptionId = record.subscriptionId;
  if (subscriptionId === undefined || subscriptionId === '') return;
  try {
    await deps.providers.get(record.type).deleteSubscription(record, subscriptionId);
  } catch (error) {
    // Already gone in Graph (expired or removed): nothing left to delete.
    if (!(error instanceof NotFoundError)) throw error;
  }
  await deps.subscriptionStore.delete(subscriptionId);
}
