// A source: one location of a provider (a drive or a folder of it, a mailbox, a set of channels)
// feeding one knowledge base. The location is the provider's own shape; core only stores it.
import { z } from 'zod';

/** A provider's type name; the provider registry knows which ones exist (shared/app/provider-registry.ts). */
export type SourceType = string;

/**
 * Lifecycle state the host sees:
 * - `active`: syncing normally;
 * - `needs_reauth`: the stored grant is permanently invalid; the user must connect again;
 * - `error`: a permanent error (location gone, access denied); `lastError` says which;
 * - `held`: a mass delete is waiting for the host's confirmation;
 * - `pending_auth`: registered without credentials, waiting for the connect flow.
 */
export const SOURCE_STATES = ['active', 'needs_reauth', 'error', 'held', 'pending_auth'] as const;
export type SourceState = (typeof SOURCE_STATES)[number];

/**
 * States in which a source is synced without being asked: polls, safety-net deltas, notifications and
 * its subscription. A held source keeps syncing (docs/sync-engine.md: later deletes join the hold, and
 * the hold ends by itself when the files come back).
 */
export function syncsOnItsOwn(state: SourceState): boolean {
  return state === 'active' || state === 'held';
}

/** How changes are noticed: the provider's push notifications (webhooks), or polling when no public URL is configured. */
export type SourceMode = 'webhook' | 'polling';

export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, "_", "." and "-" only, starting with a letter or digit');

export const fileFiltersSchema = z
  .object({
    extensions: z
      .array(z.string().regex(/^\.?[A-Za-z0-9]{1,16}$/))
      .max(100)
      // overwrite, not transform: same type in and out, so JSON Schema (the API document) can show it.
      .overwrite((list) => list.map((ext) => (ext.startsWith('.') ? ext : `.${ext}`).toLowerCase()))
      .optional(),
    maxSizeBytes: z.number().int().positive().optional(),
  })
  .strict();
export type FileFilters = z.infer<typeof fileFiltersSchema>;

/** A provider-owned location, as its `locationSchema` outputs it (stored as JSON). */
export type SourceLocation = Record<string, unknown>;

/**
 * A location resolved to ids (provider-owned fields, stored as JSON) and, when the source is limited to
 * one folder of it, that folder's item id: the engine treats that item as the root of the source.
 */
export interface ResolvedLocation {
  scopeItemId?: string;
  [providerField: string]: unknown;
}

/** The cursor name of a provider with one enumeration per source, and of rows stored before cursors had names. */
export const DEFAULT_CURSOR = 'default';

export interface CursorState {
  /** Provider cursor: a next-page link while an enumeration is under way, a final (delta) link between syncs. */
  value?: string;
  kind?: 'next' | 'final';
  updatedAt?: string;
  /** Set while a resync (cursor expired) is under way: items of this cursor not seen in this run are deleted at its end. */
  resyncRunId?: string;
  /** Set when the cursor became final in a round other cursors have not finished (its `roundStartedAt`). */
  finalInRound?: string;
}

export interface SourceKey {
  kbId: string;
  sourceId: string;
}

export interface SourceRecord extends SourceKey {
  type: SourceType;
  /** Where the source reads, in the provider's own shape (validated by its `locationSchema`). */
  location: SourceLocation;
  /** The location resolved to the provider's ids at registration (`SyncProvider.resolveLocation`). */
  resolvedLocation: ResolvedLocation;
  filters: FileFilters;
  pollIntervalSeconds: number;
  auth: 'delegated' | 'app';
  state: SourceState;
  mode: SourceMode;
  stateReason?: string;
  createdAt: string;
  updatedAt: string;
  lastSyncAt?: string;
  lastSyncResult?: 'ok' | 'failed' | 'partial';
  lastError?: string;
  itemCount: number;
  /**
   * One cursor per name the provider enumerates (most providers have one, `DEFAULT_CURSOR`; a
   * workspace has one per channel). Absent names have not been enumerated yet.
   */
  cursors?: Record<string, CursorState>;
  /**
   * When the enumeration round began (a round runs from final cursors, or from none, until every cursor
   * is final again, across resumed runs). It also names the round on item rows.
   */
  roundStartedAt?: string;
  /** The start of the last round whose cursors all became final: every change made before it is in the feed. */
  syncedAsOf?: string;
  /** Items waiting for a parent not seen yet (children before parents). */
  pendingCount?: number;
  /** Files whose deletes are staged or held by the mass-delete guard. */
  heldDeleteCount?: number;
  nextPollAt?: string;
  /** The provider watch (push subscription) of a webhook source (core/watch); DELETE removes it at the provider. */
  subscriptionId?: string;
  subscriptionExpiresAt?: string;
}

/**
 * Only the key of a source. Callers often hold the whole record (a SourceRecord is a SourceKey), and
 * spreading that into a log line would write its cursor (a delta link with its token) and its
 * subscription id; log fields take this instead.
 */
export function sourceKeyOf(key: SourceKey): SourceKey {
  return { kbId: key.kbId, sourceId: key.sourceId };
}

export function sourceKeyString(key: SourceKey): string {
  return `${key.kbId}|${key.sourceId}`;
}

/** The state of one named cursor (an empty state when it was never enumerated). */
export function cursorOf(source: Pick<SourceRecord, 'cursors'>, name: string): CursorState {
  return source.cursors?.[name] ?? {};
}

/** Whether an enumeration was cut off before its cursor became final (a resumed run continues it). */
export function hasOpenCursor(source: Pick<SourceRecord, 'cursors'>): boolean {
  return Object.values(source.cursors ?? {}).some((cursor) => cursor.kind === 'next');
}
