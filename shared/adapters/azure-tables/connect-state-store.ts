// One row per connect flow in progress, in the `connectstates` table, keyed by the random id the signed
// state names. It holds what must not travel through the browser: the PKCE code_verifier (and the exact
// redirect_uri the code is bound to). The callback *takes* the row, reading and deleting it with its
// ETag, so a state can be used once: a replayed or concurrent second callback finds nothing.
import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { idSchema } from '../../core/domain/source.js';
import type { ConnectStateRepository, PendingConnect } from '../../core/ports/connect-state-repository.js';
import { isRestError } from '../azure/rest-error.js';

const ROW_KEY = 'flow';

const rowSchema = z.object({
  kbId: idSchema,
  sourceId: idSchema,
  returnTo: z.string().min(1),
  redirectUri: z.string().min(1),
  codeVerifier: z.string().min(43).max(128),
  expiresAtMs: z.number(),
});

export class ConnectStateStore implements ConnectStateRepository {
  constructor(private readonly table: TableClient) {}

  async save(flow: PendingConnect): Promise<void> {
    const { id, ...fields } = flow;
    // Create, never replace: ids are 256-bit random, so a clash means a bug, not a retry.
    // expiresAt (Edm.DateTime) is for the purge query; a large JS number is stored as a Double, which
    // a table filter cannot compare reliably.
    await this.table.createEntity({
      partitionKey: id,
      rowKey: ROW_KEY,
      ...fields,
      expiresAt: new Date(flow.expiresAtMs),
    });
  }

  /** Reads and deletes the row; undefined when it does not exist or another callback took it first. */
  async take(id: string): Promise<PendingConnect | undefined> {
    let entity: Record<string, unknown> & { etag: string };
    try {
      entity = await this.table.getEntity(id, ROW_KEY);
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
    try {
      await this.table.deleteEntity(id, ROW_KEY, { etag: entity.etag });
    } catch (error) {
      if (isRestError(error, 404) || isRestError(error, 412)) return undefined;
      throw error;
    }
    const parsed = rowSchema.safeParse(entity);
    return parsed.success ? { id, ...parsed.data } : undefined;
  }

  /**
   * Deletes rows of flows that were abandoned (the user never came back), at most `max` per call.
   * For a periodic caller (maintenance); rows are small and flows rare, so nothing depends on it.
   */
  async purgeExpired(nowMs: number, max = 500): Promise<number> {
    let purged = 0;
    const rows = this.table.listEntities<{ partitionKey: string; rowKey: string; etag: string }>({
      queryOptions: { filter: odata`expiresAt lt ${new Date(nowMs)}`, select: ['PartitionKey', 'RowKey'] },
    });
    for await (const row of rows) {
      if (purged >= max) break;
      try {
        await this.table.deleteEntity(row.partitionKey, row.rowKey);
        purged++;
      } catch (error) {
        if (!isRestError(error, 404)) throw error;
      }
    }
    return purged;
  }
}
