// When maintenance last queued a poll, a safety-net delta, or kept a source's token alive: one row
// per source in the `leases` table (partition "maintenance"). Kept off the source record so that
// maintenance never races the sync engine's writes to it.
import type { TableClient } from '@azure/data-tables';
import type { SourceKey } from '../../core/domain/source.js';
import {
  maintenanceMarksSchema,
  type MaintenanceMarks,
  type MaintenanceMarksRepository,
} from '../../core/ports/maintenance-marks-repository.js';
import { deletePerSourceRow, perSourceRowKey, readPerSourceRow } from './per-source-row.js';

const PARTITION = 'maintenance';

export class MaintenanceMarksStore implements MaintenanceMarksRepository {
  constructor(private readonly table: TableClient) {}

  async read(key: SourceKey): Promise<MaintenanceMarks> {
    const entity = await readPerSourceRow(this.table, PARTITION, key);
    if (entity === undefined) return {};
    const parsed = maintenanceMarksSchema.safeParse(entity);
    return parsed.success ? parsed.data : {};
  }

  /** Merges the given marks (one worker per source per run, so last-writer-wins is enough). */
  async mark(key: SourceKey, marks: MaintenanceMarks): Promise<void> {
    await this.table.upsertEntity({ partitionKey: PARTITION, rowKey: perSourceRowKey(key), ...marks }, 'Merge');
  }

  async delete(key: SourceKey): Promise<void> {
    await deletePerSourceRow(this.table, PARTITION, key);
  }
}
