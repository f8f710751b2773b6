// The connector rows (core/connectors), one per knowledge base and connector type in the `connectors`
// table, written with ETag compare-and-swap (ports/connector-ports.ts). The API key is never in the row.
import type { TableClient } from '@azure/data-tables';
import { connectorRecordSchema, type ConnectorRecord } from '../../core/connectors/connector-record.js';
import type { ConnectorRepository, StoredConnector } from '../../core/ports/connector-ports.js';
import { isRestError } from '../azure/rest-error.js';
import { deleteRowIfPresent, writeIfUnchanged } from './conditional-write.js';
import { safeKey } from './table-keys.js';

/** Table columns are flat: the counts travel as one JSON column. */
function toRow(record: ConnectorRecord): Record<string, unknown> {
  const { counts, ...rest } = connectorRecordSchema.parse(record);
  return { ...rest, counts: JSON.stringify(counts) };
}

function fromRow(entity: Record<string, unknown>): ConnectorRecord {
  const counts: unknown = typeof entity.counts === 'string' ? JSON.parse(entity.counts) : entity.counts;
  return connectorRecordSchema.parse({ ...entity, counts });
}

export class ConnectorStore implements ConnectorRepository {
  constructor(private readonly table: TableClient) {}

  async get(kbId: string, type: string): Promise<StoredConnector | undefined> {
    let entity;
    try {
      entity = await this.table.getEntity<Record<string, unknown>>(safeKey(kbId), safeKey(type));
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
    return { record: fromRow(entity), etag: entity.etag };
  }

  async write(record: ConnectorRecord, etag: string | undefined): Promise<boolean> {
    const keys = { partitionKey: safeKey(record.kbId), rowKey: safeKey(record.type) };
    return writeIfUnchanged(this.table, keys, toRow(record), etag);
  }

  async delete(kbId: string, type: string): Promise<void> {
    await deleteRowIfPresent(this.table, safeKey(kbId), safeKey(type));
  }

  async listAll(): Promise<ConnectorRecord[]> {
    const out: ConnectorRecord[] = [];
    for await (const entity of this.table.listEntities<Record<string, unknown>>()) out.push(fromRow(entity));
    return out;
  }
}
