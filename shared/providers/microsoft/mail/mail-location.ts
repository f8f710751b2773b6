// Where an Outlook mail source reads: a mailbox (a user's, or the signed-in user's), all of its folders
// or some of them, and how far back. What discovery resolves it to is the source's `resolvedLocation`.
import { z } from 'zod';
import type { ResolvedLocation, SourceRecord } from '../../../core/domain/source.js';
import { graphUserIdSchema } from '../drive/graph-ids.js';

/**
 * Outlook ids (folders and messages, regular or immutable) are URL-safe base64 and may end in `=`
 * padding (https://learn.microsoft.com/graph/outlook-immutable-id); nothing else may reach a URL.
 */
export const outlookIdSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_=+/-]+$/, 'an Outlook id has letters, digits, "-", "_", "+", "/" and "=" only');

/** Well-known folder names Graph accepts in place of an id (https://learn.microsoft.com/graph/api/resources/mailfolder). */
export const WELL_KNOWN_FOLDERS = [
  'inbox',
  'sentitems',
  'drafts',
  'deleteditems',
  'archive',
  'junkemail',
  'outbox',
  'clutter',
  'conversationhistory',
  'scheduled',
] as const;

const folderRefSchema = z.union([z.enum(WELL_KNOWN_FOLDERS), outlookIdSchema]);

export const mailboxSelectorSchema = z.union([
  z.object({ userId: graphUserIdSchema }).strict(),
  z.object({ me: z.literal(true) }).strict(),
]);

/** Stored as `SourceRecord.location`. `folders` null: every folder of the mailbox. */
export const mailLocationSchema = z
  .object({
    mailbox: mailboxSelectorSchema,
    folders: z
      .array(folderRefSchema)
      .min(1)
      .max(100)
      .nullish()
      .transform((folders) => folders ?? null),
    /** With `folders`: whether folders below the listed ones belong to the source too. */
    includeChildFolders: z.boolean().default(true),
    /** Only messages received at or after this instant (Graph filters the delta by receivedDateTime). */
    receivedAfter: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type MailLocation = z.output<typeof mailLocationSchema>;

/** Stored as `SourceRecord.resolvedLocation`. */
export interface ResolvedMailbox extends ResolvedLocation {
  /** The mailbox owner's object id ('' while a pending `{ me: true }` source waits for its connect). */
  userId: string;
  /** msgfolderroot's id: the root of the source's tree (the engine's scope item). */
  scopeItemId?: string;
  /** The listed folders' ids (null: every folder). */
  scopeFolderIds: string[] | null;
  /** Folders a source of every folder leaves out (Deleted Items, Junk Email): deleting a mail moves it there. */
  excludedFolderIds?: string[];
  includeChildFolders: boolean;
}

export function mailboxOf(source: Pick<SourceRecord, 'resolvedLocation'>): ResolvedMailbox {
  const resolved = source.resolvedLocation as Partial<ResolvedMailbox>;
  return {
    ...resolved,
    userId: typeof resolved.userId === 'string' ? resolved.userId : '',
    scopeFolderIds: Array.isArray(resolved.scopeFolderIds) ? resolved.scopeFolderIds : null,
    includeChildFolders: resolved.includeChildFolders !== false,
  };
}

export function unresolvedMailbox(location: MailLocation, previous?: ResolvedLocation): ResolvedMailbox {
  const known = previous ? mailboxOf({ resolvedLocation: previous }) : undefined;
  return {
    userId: known?.userId ?? ('userId' in location.mailbox ? location.mailbox.userId : ''),
    scopeFolderIds: known?.scopeFolderIds ?? null,
    includeChildFolders: location.includeChildFolders,
    ...(known?.scopeItemId ? { scopeItemId: known.scopeItemId } : {}),
  };
}
