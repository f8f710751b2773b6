// What the host sees of a source (GET …/sources, PUT answers). Built field by field from the record so
// nothing is exposed by accident: never the cursors themselves, whose links carry provider
// tokens, nor any credential.
// The location is shown as the provider stores it: its own fields side by side with the common ones
// (e.g. the selector and the resolved ids of the Microsoft drive provider).
import type { FileFilters, SourceRecord } from '../domain/source.js';

export interface SourceStatusView {
  kbId: string;
  sourceId: string;
  type: SourceRecord['type'];
  scopeItemId: string | null;
  /** The provider's location and resolved fields (names it owns). */
  [providerField: string]: unknown;
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
  // The stalest cursor: one that stopped moving is what the host should notice.
  const moves = Object.values(record.cursors ?? {})
    .map((cursor) => (cursor.updatedAt ? Date.parse(cursor.updatedAt) : Number.NaN))
    .filter((at) => !Number.isNaN(at));
  const cursorAt = moves.length > 0 ? Math.min(...moves) : Number.NaN;
  return {
    ...record.location,
    ...record.resolvedLocation,
    kbId: record.kbId,
    sourceId: record.sourceId,
    type: record.type,
    scopeItemId: record.resolvedLocation.scopeItemId ?? null,
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
