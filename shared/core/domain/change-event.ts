// A change event in a knowledge base's feed, and its deterministic id.
import { createHash } from 'node:crypto';

export type ChangeOp = 'upsert' | 'delete';

/** What the engine emits; the feed adds `cursor` when it appends. */
export interface ChangeEventBody {
  eventId: string;
  kbId: string;
  sourceId: string;
  itemId: string;
  op: ChangeOp;
  /** True only when the bytes changed (or the item is new): the host re-downloads only then. */
  contentChanged: boolean;
  name: string | null;
  /** Path relative to the source's root folder, '/'-separated, starting with '/'. */
  path: string | null;
  mimeType: string | null;
  size: number | null;
  eTag: string | null;
  quickXorHash: string | null;
  lastModifiedDateTime: string | null;
  webUrl: string | null;
}

export interface ChangeEvent extends ChangeEventBody {
  /** Opaque, increasing within a knowledge base. */
  cursor: string;
}

/**
 * The same change always gets the same id, so a replayed page writes the same events again and the
 * host can drop repeats by id (invariant 2). Everything that makes the event differ is hashed.
 */
export function deriveEventId(body: Omit<ChangeEventBody, 'eventId'>): string {
  const material = [
    body.kbId,
    body.sourceId,
    body.itemId,
    body.op,
    body.contentChanged ? '1' : '0',
    body.eTag ?? '',
    body.quickXorHash ?? '',
    body.path ?? '',
    body.name ?? '',
  ].join('\u0000');
  return createHash('sha256').update(material).digest('base64url').slice(0, 32);
}
