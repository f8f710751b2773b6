// The one builder for SourceRecords in tests and benchmarks; each caller overrides what it cares about.
// Drive sources (the default) can be given by their drive fields: `driveId`, `driveType`, `scopeItemId`.
import { cursorOf, DEFAULT_CURSOR, type SourceRecord } from '../../shared/core/domain/source.js';

export interface DriveShorthand {
  driveId?: string;
  driveType?: 'personal' | 'business';
  scopeItemId?: string;
}

export function sourceRecord(overrides: Partial<SourceRecord> & DriveShorthand = {}): SourceRecord {
  const now = new Date().toISOString();
  const { driveId = 'd', driveType = 'business', scopeItemId, ...rest } = overrides;
  return {
    kbId: 'kb',
    sourceId: 'src',
    type: 'onedrive',
    location: { drive: { driveId }, scope: null },
    resolvedLocation: { driveId, driveType, ...(scopeItemId ? { scopeItemId } : {}) },
    filters: {},
    pollIntervalSeconds: 900,
    auth: 'delegated',
    state: 'active',
    mode: 'polling',
    createdAt: now,
    updatedAt: now,
    itemCount: 0,
    ...rest,
  };
}

/** A drive source for provider tests: only the fields the provider reads matter (its drive). */
export function sourceRecordFor(driveId: string, overrides: Partial<SourceRecord> & DriveShorthand = {}): SourceRecord {
  return sourceRecord({
    kbId: 'kb-provider-test',
    sourceId: `src-${driveId.slice(0, 40).replace(/[^A-Za-z0-9]/g, '')}`,
    driveId,
    ...overrides,
  });
}

/** A drive source's record in the flat terms tests were written in (drive ids, the one default cursor). */
export function driveView(record: SourceRecord) {
  const cursor = cursorOf(record, DEFAULT_CURSOR);
  return {
    ...record,
    driveId: record.resolvedLocation.driveId as string,
    driveType: record.resolvedLocation.driveType as 'personal' | 'business',
    scopeItemId: record.resolvedLocation.scopeItemId,
    cursor: cursor.value,
    cursorKind: cursor.kind,
    cursorUpdatedAt: cursor.updatedAt,
    resyncRunId: cursor.resyncRunId,
  };
}
