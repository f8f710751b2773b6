// A SourceRecord for provider tests: only the fields the provider reads matter (driveId, driveType).
import type { SourceRecord } from '../../shared/core/domain/source.js';
import { sourceRecord } from './source-record.js';

export function sourceRecordFor(driveId: string, overrides: Partial<SourceRecord> = {}): SourceRecord {
  return sourceRecord({
    kbId: 'kb-provider-test',
    sourceId: `src-${driveId.slice(0, 40).replace(/[^A-Za-z0-9]/g, '')}`,
    driveId,
    ...overrides,
  });
}
