// A knowledge base's connector to a host product (docs/open-webui.md): where it applies the feed
// (the product's collection id), how far it got (its own feed cursor, advanced only after the
// product accepted a page), what it did, and whether it runs. The credential is not here: it lives
// in the connector secret store. And the item map, one row per item: the product's file id, an
// upload recorded before it is attached (crash safety), the last eventIds applied (repeats are
// dropped), the last failure.
import { z } from 'zod';
import { SINK_FAILURE_KINDS } from '../ports/connector-ports.js';

export const CONNECTOR_STATES = ['active', 'stopped'] as const;

export const connectorCountsSchema = z.object({
  /** Feed events read and folded. */
  events: z.number().int().min(0),
  uploads: z.number().int().min(0),
  removes: z.number().int().min(0),
  renames: z.number().int().min(0),
  /** Events dropped because their eventId was applied before (repeats, replays). */
  repeats: z.number().int().min(0),
  failures: z.number().int().min(0),
});
export type ConnectorCounts = z.infer<typeof connectorCountsSchema>;

export const ZERO_COUNTS: ConnectorCounts = { events: 0, uploads: 0, removes: 0, renames: 0, repeats: 0, failures: 0 };

export const connectorRecordSchema = z.object({
  kbId: z.string(),
  type: z.string(),
  /** The product's collection (an Open WebUI knowledge id). */
  collectionId: z.string(),
  state: z.enum(CONNECTOR_STATES),
  stoppedReason: z.string().optional(),
  /** New on every PUT: a run of an older registration does not write over a newer one. */
  registrationId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The feed cursor up to which every event was applied (or recorded as failed); '' is the start. */
  cursor: z.string(),
  counts: connectorCountsSchema,
  lastRunAt: z.string().optional(),
  lastAppliedAt: z.string().optional(),
  /** Why the last run ended early (a transient failure; it is retried). */
  lastError: z.string().optional(),
  consecutiveErrors: z.number().int().min(0),
  /** When the one live run message becomes visible; appends meanwhile are absorbed by it. */
  scheduledDueMs: z.number().optional(),
});
export type ConnectorRecord = z.infer<typeof connectorRecordSchema>;

export const itemFailureSchema = z.object({
  kind: z.enum(SINK_FAILURE_KINDS),
  status: z.number().int().optional(),
  detail: z.string(),
  eventId: z.string(),
  at: z.string(),
});
export type ItemFailure = z.infer<typeof itemFailureSchema>;

export const connectorItemSchema = z.object({
  sourceId: z.string(),
  itemId: z.string(),
  /** The product's file id while the item is in the collection. */
  fileId: z.string().optional(),
  name: z.string().optional(),
  /** `algorithm:value` of the content that file holds, when the provider gave a hash. */
  contentHash: z.string().optional(),
  /** Uploaded for `pendingEventId` and not yet attached: the next run attaches or discards it. */
  pendingFileId: z.string().optional(),
  pendingEventId: z.string().optional(),
  /** The newest eventIds applied (or failed), newest last: repeats of them are dropped. */
  recentEventIds: z.array(z.string()),
  /** The item left the source: its file was removed (the row stays so late repeats are dropped). */
  deleted: z.boolean().optional(),
  failure: itemFailureSchema.optional(),
});
export type ConnectorItem = z.infer<typeof connectorItemSchema>;

/** How many eventIds an item remembers: replays repeat the events of one sync, a handful at most. */
export const RECENT_EVENT_IDS = 8;

export function rememberEvent(recent: readonly string[], eventId: string): string[] {
  return [...recent.filter((id) => id !== eventId), eventId].slice(-RECENT_EVENT_IDS);
}
