// A source: one drive (or a folder of it) feeding one knowledge base.
import { z } from 'zod';
import { drivePathSchema, graphIdSchema, graphSiteIdSchema, graphUserIdSchema } from './graph-ids.js';

export const SOURCE_TYPES = ['onedrive', 'sharepoint'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/**
 * Lifecycle state the host sees:
 * - `active`: syncing normally;
 * - `needs_reauth`: the stored grant is permanently invalid; the user must connect again;
 * - `error`: a permanent error (drive gone, access denied); `lastError` says which;
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

/** How changes are noticed: Graph webhooks, or polling when no public URL is configured. */
export type SourceMode = 'webhook' | 'polling';

export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, "_", "." and "-" only, starting with a letter or digit');

export const driveSelectorSchema = z.union([
  z.object({ driveId: graphIdSchema }).strict(),
  // libraryName is matched against the site's drive list, never put in a URL.
  z.object({ siteId: graphSiteIdSchema, libraryName: z.string().min(1).max(256).optional() }).strict(),
  z.object({ userId: graphUserIdSchema }).strict(),
  z.object({ me: z.literal(true) }).strict(),
]);
export type DriveSelector = z.infer<typeof driveSelectorSchema>;

export const folderScopeSchema = z.union([
  z.object({ itemId: graphIdSchema }).strict(),
  z.object({ path: drivePathSchema }).strict(),
]);
export type FolderScope = z.infer<typeof folderScopeSchema>;

export const fileFiltersSchema = z
  .object({
    extensions: z
      .array(z.string().regex(/^\.?[A-Za-z0-9]{1,16}$/))
      .max(100)
      .transform((list) => list.map((ext) => (ext.startsWith('.') ? ext : `.${ext}`).toLowerCase()))
      .optional(),
    maxSizeBytes: z.number().int().positive().optional(),
  })
  .strict();
export type FileFilters = z.infer<typeof fileFiltersSchema>;

export interface SourceKey {
  kbId: string;
  sourceId: string;
}

export interface SourceRecord extends SourceKey {
  type: SourceType;
  drive: DriveSelector;
  /** Resolved through discovery at registration. */
  driveId: string;
  driveType: 'personal' | 'business';
  scope?: FolderScope;
  /** Resolved folder id when the source is scoped to a folder. */
  scopeItemId?: string;
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
  /** Provider cursor: a nextLink while an enumeration is under way, a deltaLink between syncs. */
  cursor?: string;
  cursorKind?: 'next' | 'final';
  cursorUpdatedAt?: string;
  /** Set while a resync (after 410) is under way: items not seen in this run are deleted at its end. */
  resyncRunId?: string;
  /**
   * When the enumeration round the cursor belongs to began (a round runs from a deltaLink, or from no
   * cursor, to the next deltaLink, across resumed runs). It also names the round on item rows.
   */
  roundStartedAt?: string;
  /** The start of the last round that reached its deltaLink: every change made before it is in the feed. */
  syncedAsOf?: string;
  /** Items waiting for a parent not seen yet (children before parents). */
  pendingCount?: number;
  /** Files whose deletes are staged or held by the mass-delete guard. */
  heldDeleteCount?: number;
  nextPollAt?: string;
  /** The Graph subscription of a webhook source (shared/subscriptions); DELETE removes it in Graph. */
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
