// POST /api/kbs/{kbId}/sources/{sourceId}/confirm-deletes: the host accepts the deletes the
// mass-delete guard held (issue 4 item 8). Their delete events are appended, the rows removed, and the
// source returns to `active`. Done under the sync lease so a sync cannot hold or release the same rows
// at the same time.
import type { SourceKey, SourceRecord } from '../domain/source.js';
import type { ItemRepository } from '../ports/item-repository.js';
import type { LeaseStore } from '../ports/lease-store.js';
import type { SourceRepository } from '../ports/source-repository.js';
import type { SourceSyncer } from '../sync/sync-source.js';
import { syncLeaseKey } from '../sync/sync-source.js';

export interface ConfirmDeletesDependencies {
  sources: Pick<SourceRepository, 'get' | 'update'>;
  items: Pick<ItemRepository, 'list'>;
  syncLeases: Pick<LeaseStore, 'tryAcquire'>;
  syncer: Pick<SourceSyncer, 'releaseDeletes'>;
  leaseMs: number;
}

export type ConfirmDeletesResult =
  | { kind: 'released'; released: number; source: SourceRecord }
  | { kind: 'not_found' }
  | { kind: 'nothing_held'; source: SourceRecord }
  | { kind: 'busy' };

export async function confirmDeletes(deps: ConfirmDeletesDependencies, key: SourceKey): Promise<ConfirmDeletesResult> {
  const lease = await deps.syncLeases.tryAcquire(syncLeaseKey(key), deps.leaseMs);
  if (!lease) return { kind: 'busy' };
  try {
    const stored = await deps.sources.get(key);
    if (!stored) return { kind: 'not_found' };
    const held = await deps.items.list(key, 'deleteHeld');
    if (stored.record.state !== 'held' && held.length === 0) return { kind: 'nothing_held', source: stored.record };
    await deps.syncer.releaseDeletes(key, held);
    const updated = await deps.sources.update(key, (current) => ({
      ...current,
      state: current.state === 'held' ? 'active' : current.state,
      stateReason: current.state === 'held' ? undefined : current.stateReason,
      heldDeleteCount: 0,
      itemCount: Math.max(0, current.itemCount - held.length),
    }));
    if (!updated) return { kind: 'not_found' };
    return { kind: 'released', released: held.length, source: updated };
  } finally {
    await lease.release();
  }
}
