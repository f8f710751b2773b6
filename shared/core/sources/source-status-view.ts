// What the host sees of a source (GET …/sources, PUT answers). Built field by field from the record so
// nothing is exposed by accident: never the cursors themselves, whose links carry provider
// tokens, nor any credential.
// The location is shown as the provider stores it: its own fields side by side with the common ones
// (e.g. the selector and the resolved ids of the Microsoft drive provider).
import { z } from 'zod';
import { fileFiltersSchema, SOURCE_STATES, type SourceRecord } from '../domain/source.js';

const nullable = <S extends z.ZodType>(schema: S, description: string) => schema.nullable().describe(description);

/**
 * The status view's schema (the OpenAPI document shows it; the type below is derived from it). Open to
 * the provider's own location and resolved fields, which sit beside the common ones.
 */
export const sourceStatusViewSchema = z
  .looseObject({
    kbId: z.string(),
    sourceId: z.string(),
    type: z.string().describe('The source type (a provider registers it)'),
    scopeItemId: nullable(z.string(), 'The folder the source is limited to, resolved to its item id'),
    filters: fileFiltersSchema,
    pollIntervalSeconds: z.number().int(),
    auth: z.enum(['delegated', 'app']),
    state: z.enum(SOURCE_STATES),
    stateReason: nullable(z.string(), "Why the state is not active (e.g. the token endpoint's error)"),
    mode: z.enum(['webhook', 'polling']),
    lastSyncAt: nullable(z.string(), 'ISO 8601'),
    lastSyncResult: z.enum(['ok', 'failed', 'partial']).nullable(),
    lastError: nullable(z.string(), 'The last permanent or transient failure, without secrets'),
    itemCount: z.number().int().describe('Files the host sees'),
    heldDeleteCount: z.number().int().describe('Deletes held by the mass-delete guard'),
    /** Seconds since the cursor last moved; null before the first page was stored. */
    cursorAgeSeconds: nullable(
      z.number().int(),
      'Seconds since the sync position last moved; null before the first page',
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe("A source's status; the provider's location fields (e.g. drive, scope, driveId) sit beside these");
export type SourceStatusView = z.infer<typeof sourceStatusViewSchema>;

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
