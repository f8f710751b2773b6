// DELETE /api/kbs/{kbId}/sources/{sourceId}: removes everything the source left behind. The source row
// goes last, so a crash midway leaves a source that a repeated DELETE finishes removing. Done under
// the sync lease: a sync running meanwhile would write items and events for a source being removed.
import type { SourceKey, SourceRecord } from '../domain/source.js';
import type { ChangeFeedStore } from '../feed/change-feed-store.js';
import type { ItemStore } from '../items/item-store.js';
import type { Logger } from '../logging/logger.js';
import type { TableLeaseStore } from '../storage/table-lease.js';
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

/** The webhook issue adds `subscriptionId` to the record; until then there is none to delete. */
async function deleteSubscription(deps: DeleteSourceDependencies, record: SourceRecord): Promise<void> {
  const subscriptionId = (record as SourceRecord & { subscriptionId?: unknown }).subscriptionId;
  if (typeof subscriptionId !== 'string' || subscriptionId === '') return;
  try {
    await deps.providers.get(record.type).deleteSubscription(record, subscriptionId);
  } catch (error) {
    // Already gone in Graph (expired or removed): nothing left to delete.
    if (!(error instanceof NotFoundError)) throw error;
  }
}
