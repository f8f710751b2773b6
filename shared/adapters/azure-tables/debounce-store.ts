// Per-source debounce state for the notification coalescer, one row per source in the `leases` table
// (partition "sync-debounce"): it is short-lived coordination state with the same ETag discipline as
// the leases, so it shares their table rather than adding one to every deployment.
import type { TableClient } from '@azure/data-tables';
import type { SourceKey } from '../../core/domain/source.js';
import {
  debounceStateSchema,
  type DebounceState,
  type DebounceStateRepository,
  type StoredDebounceState,
} from '../../core/ports/debounce-state-repository.js';
import { writeIfUnchanged } from './conditional-write.js';
import { deletePerSourceRow, perSourceRowKey, readPerSourceRow } from './per-source-row.js';

const PARTITION = 'sync-debounce';

export class DebounceStore implements DebounceStateRepository {
  constructor(private readonly table: TableClient) {}

  async read(key: SourceKey): Promise<StoredDebounceState> {
    const entity = await readPerSourceRow(this.table, PARTITION, key);
    if (entity === undefined) return { state: {}, etag: undefined };
    const parsed = debounceStateSchema.safeParse(entity);
    // A corrupt row is overwritten (with its ETag) as if nothing were pending: at worst one extra sync.
    return { state: parsed.success ? parsed.data : {}, etag: entity.etag };
  }

  /** Writes `state` only if the row is still at `etag` (or still absent); false when someone else won. */
  async write(key: SourceKey, state: DebounceState, etag: string | undefined): Promise<boolean> {
    const keys = { partitionKey: PARTITION, rowKey: perSourceRowKey(key) };
    return writeIfUnchanged(this.table, keys, debounceStateSchema.parse(state), etag);
  }

  async delete(key: SourceKey): Promise<void> {
    await deletePerSourceRow(this.table, PARTITION, key);
  }
}
