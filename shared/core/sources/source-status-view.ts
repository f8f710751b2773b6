// What the host sees of a source (GET …/sources, PUT answers). Built field by field from the record so
// nothing is exposed by accident: never the cursor itself, whose next/delta links carry provider
// tokens, nor any credential.
import type { DriveSelector, FileFilters, FolderScope, SourceRecord } from '../domain/source.js';

export interface SourceStatusView {
  kbId: string;
  sourceId: string;
  type: SourceRecord['type'];
  drive: DriveSelector;
  driveId: string;
  driveType: SourceRecord['driveType'];
  scope: FolderScope | null;
  scopeItemId: string | null;
  filters: FileFilters;
  pollIntervalSeconds: number;
  auth: SourceRecord['auth'];
  state: SourceRecord['state'];
  stateReason: string | null;
  mode: SourceRecord['mode'];
  lastSyncAt: string | null;
  lastSyncResult: SourceRecord['lastSyncResult'] | null;
  lastError: string | null;
  itemCount: number;
  heldDeleteCount: number;
  /** Seconds since the cursor last moved; null before the first page was stored. */
  cursorAgeSeconds: number | null;
  createdAt: string;
  updatedAt: string;
}

export function toStatusView(record: SourceRecord, now: Date = new Date()): SourceStatusView {
  const cursorAt = record.cursorUpdatedAt ? Date.parse(record.cursorUpdatedAt) : Number.NaN;
  return {
    kbId: record.kbId,
    sourceId: record.sourceId,
    type: record.type,
    drive: record.drive,
    driveId: record.driveId,
    driveType: record.driveType,
    scope: record.scope ?? null,
    scopeItemId: record.scopeItemId ?? null,
    filters: record.filters,
    pollIntervalSeconds: record.pollIntervalSeconds,
    auth: record.auth,
    state: record.state,
    stateReason: record.stateReason ?? null,
    mode: record.mode,
    lastSyncAt: record.lastSyncAt ?? null,
    lastSyncResult: record.lastSyncResult ?? null,
    lastError: record.lastError ?? null,
    itemCount: record.itemCount,
    heldDeleteCount: record.heldDeleteCount ?? 0,
    cursorAgeSeconds: Number.isNaN(cursorAt) ? null : Math.max(0, Math.floor((now.getTime() - cursorAt) / 1000)),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
