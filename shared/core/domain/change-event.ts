// A change event in a knowledge base's feed, and its deterministic id. The shape is the feed's
// published schema (docs/api.md, "Change events", schema version EVENT_SCHEMA_VERSION).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ContentHash, ItemKind, MessageFields } from './remote-item.js';

export type ChangeOp = 'upsert' | 'delete';

/** Bumped only by a change a host must handle (a field removed or its meaning changed); added fields keep it. */
export const EVENT_SCHEMA_VERSION = 1;

/**
 * The content hash algorithm that schema version 1 also reports in the top-level `quickXorHash` field:
 * hosts written against the first, drive-only feed read it there.
 */
const V1_TOP_LEVEL_HASH = 'quickXorHash';

const nullableString = (description: string) => z.string().nullable().describe(description);

const contentHashSchema = z
  .object({ algorithm: z.string(), value: z.string() })
  .describe(
    "The provider's content hash and its algorithm (e.g. quickXorHash, base64)",
  ) satisfies z.ZodType<ContentHash>;

const messageFieldsSchema = z
  .object({
    conversationId: z.string().describe('The conversation (thread, channel) the message belongs to'),
    from: z.string().optional(),
    subject: z.string().optional(),
    sentDateTime: z.string().optional(),
    receivedDateTime: z.string().optional(),
    internetMessageId: z.string().optional().describe('The RFC 5322 Message-ID'),
    toCount: z.number().int().nonnegative().optional().describe('How many To recipients'),
    ccCount: z.number().int().nonnegative().optional().describe('How many Cc recipients'),
    hasAttachments: z.boolean().optional(),
    isDraft: z.boolean().optional(),
  })
  .describe('Present on message events only') satisfies z.ZodType<MessageFields>;

/**
 * What the engine emits; the feed adds `cursor` when it appends. The schema is the published one
 * (docs/api.md, "Event schema (version 1)"; the OpenAPI document shows it): the types below are
 * derived from it, so the code cannot emit a field the document does not name.
 */
export const changeEventBodySchema = z.object({
  eventId: z.string().describe('The same change always has the same id: drop repeats by it'),
  schemaVersion: z.literal(EVENT_SCHEMA_VERSION),
  kbId: z.string(),
  sourceId: z.string(),
  itemId: z.string().describe("The provider's item id, stable across renames and moves"),
  kind: z.enum(['file', 'message'] satisfies ItemKind[]),
  op: z.enum(['upsert', 'delete'] satisfies ChangeOp[]),
  /** True only when the bytes changed (or the item is new): the host re-downloads only then. */
  contentChanged: z.boolean().describe('The bytes changed (or the item is new): download again only then'),
  name: nullableString('The item name'),
  /** Path relative to the source's root, '/'-separated, starting with '/'. */
  path: nullableString("Path relative to the source's root, '/'-separated, starting with '/'"),
  mimeType: nullableString('As the provider reports it'),
  size: z.number().nullable().describe('Bytes; null on deletes'),
  eTag: nullableString("The provider's version of the whole item (changes on a rename too)"),
  /** The content hash when the provider's algorithm is the one schema version 1 named (see above), else null. */
  quickXorHash: nullableString('contentHash.value when its algorithm is quickXorHash, else null'),
  contentHash: contentHashSchema.nullable(),
  lastModifiedDateTime: nullableString('ISO 8601, as the provider reports it'),
  webUrl: nullableString('Where a user opens the item'),
  /** Present on message events only. */
  message: messageFieldsSchema.optional(),
});
export type ChangeEventBody = z.infer<typeof changeEventBodySchema>;

export const changeEventSchema = changeEventBodySchema
  .extend({ cursor: z.string().describe('Opaque, increasing within a knowledge base (and a generation of its feed)') })
  .describe('A change event, schema version 1 (docs/api.md)');
export type ChangeEvent = z.infer<typeof changeEventSchema>;

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
