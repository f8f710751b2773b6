// One builder for SourceRecords in tests and benchmarks; each caller overrides what it cares about.
import type { SourceRecord } from '../../shared/core/domain/source.js';

export function sourceRecord(overrides: Partial<SourceRecord> = {}): SourceRecord {
  const now = new Date().toISOString();
  const driveId = overrides.driveId ?? 'd';
  return {
    kbId: 'kb',
    sourceId: 'src',
    type: 'onedrive',
    drive: { driveId },
    driveId,
    driveType: 'business',
    filters: {},
    pollIntervalSeconds: 900,
    auth: 'delegated',
    state: 'active',
    mode: 'polling',
    createdAt: now,
    updatedAt: now,
    itemCount: 0,
    ...overrides,
  };
}
