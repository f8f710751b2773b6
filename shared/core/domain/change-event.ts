// A change event in a knowledge base's feed, and its deterministic id. The shape is the feed's
// published schema (docs/api.md, "Change events", schema version EVENT_SCHEMA_VERSION).
import { createHash } from 'node:crypto';
import type { ContentHash, ItemKind, MessageFields } from './remote-item.js';

export type ChangeOp = 'upsert' | 'delete';

/** Bumped only by a change a host must handle (a field removed or its meaning changed); added fields keep it. */
export const EVENT_SCHEMA_VERSION = 1;

/**
 * The content hash algorithm that schema version 1 also reports in the top-level `quickXorHash` field:
 * hosts written against the first, drive-only feed read it there.
 */
const V1_TOP_LEVEL_HASH = 'quickXorHash';

/** What the engine emits; the feed adds `cursor` when it appends. */
export interface ChangeEventBody {
  eventId: string;
  schemaVersion: typeof EVENT_SCHEMA_VERSION;
  kbId: string;
  sourceId: string;
  itemId: string;
  kind: ItemKind;
  op: ChangeOp;
  /** True only when the bytes changed (or the item is new): the host re-downloads only then. */
  contentChanged: boolean;
  name: string | null;
  /** Path relative to the source's root, '/'-separated, starting with '/'. */
  path: string | null;
  mimeType: string | null;
  size: number | null;
  eTag: string | null;
  /** The content hash when the provider's algorithm is the one schema version 1 named (see above), else null. */
  quickXorHash: string | null;
  contentHash: ContentHash | null;
  lastModifiedDateTime: string | null;
  webUrl: string | null;
  /** Present on message events only. */
  message?: MessageFields;
}

export interface ChangeEvent extends ChangeEventBody {
  /** Opaque, increasing within a knowledge base. */
  cursor: string;
}

/** The value of the top-level v1 hash field for a content hash. */
export function v1TopLevelHash(hash: ContentHash | undefined): string | null {
  return hash?.algorithm === V1_TOP_LEVEL_HASH ? hash.value : null;
}

/**
 * The same change always gets the same id, so a replayed page writes the same events again and the
 * host can drop repeats by id (invariant 2). Everything that makes the event differ is hashed. The
 * material of a file event whose hash (if any) is the v1 top-level one is exactly what it was before
 * events had kinds, so replays after an upgrade write the ids they wrote before.
 */
export function deriveEventId(body: Omit<ChangeEventBody, 'eventId'>): string {
  const parts = [
    body.kbId,
    body.sourceId,
    body.itemId,
    body.op,
    body.contentChanged ? '1' : '0',
    body.eTag ?? '',
    body.quickXorHash ?? '',
    body.path ?? '',
    body.name ?? '',
  ];
  const v1Shaped = body.kind === 'file' && (body.contentHash === null || body.quickXorHash !== null);
  if (!v1Shaped) {
    parts.push(body.kind, body.contentHash?.algorithm ?? '', body.contentHash?.value ?? '');
    if (body.message) parts.push(JSON.stringify(body.message));
  }
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 32);
}
