// A SourceRecord for provider tests: only the fields the provider reads matter (driveId, driveType).
import type { SourceRecord } from '../../../../shared/domain/source.js';

export function sourceRecordFor(driveId: string, overrides: Partial<SourceRecord> = {}): SourceRecord {
  const now = new Date().toISOString();
  return {
    kbId: 'kb-provider-test',
    sourceId: `src-${driveId.slice(0, 40).replace(/[^A-Za-z0-9]/g, '')}`,
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
