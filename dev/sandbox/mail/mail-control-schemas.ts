// Bodies of the mail control API over HTTP (/_sandbox/mail/…), mirroring MailControl's arguments.
// Attachment bytes travel as base64 (contentBase64) or as UTF-8 text (content).
import { z } from 'zod';

export const createFolderSchema = z
  .object({ parentFolderId: z.string().min(1), displayName: z.string().min(1) })
  .strict();

export const updateFolderSchema = z
  .object({ displayName: z.string().min(1).optional(), destinationFolderId: z.string().min(1).optional() })
  .strict();

const attachmentSchema = z
  .object({
    name: z.string().min(1),
    contentType: z.string().min(1),
    content: z.string().optional(),
    contentBase64: z.string().optional(),
    isInline: z.boolean().optional(),
    contentId: z.string().optional(),
  })
  .strict();

export const deliverSchema = z
  .object({
    folderId: z.string().min(1).optional(),
    subject: z.string(),
    from: z.string().min(1),
    to: z.array(z.string()).optional(),
    cc: z.array(z.string()).optional(),
    body: z.string().optional(),
    receivedDateTime: z.iso.datetime({ offset: true }).optional(),
    isRead: z.boolean().optional(),
    attachments: z.array(attachmentSchema).optional(),
  })
  .strict();

export const createDraftSchema = z
  .object({ subject: z.string(), body: z.string().optional(), to: z.array(z.string()).optional() })
  .strict();

export const updateMessageSchema = z
  .object({
    subject: z.string().optional(),
    body: z.string().optional(),
    isRead: z.boolean().optional(),
    flagStatus: z.enum(['notFlagged', 'flagged', 'complete']).optional(),
    destinationFolderId: z.string().min(1).optional(),
  })
  .strict();

export const expireDeltaTokensSchema = z.object({ folderId: z.string().min(1).optional() }).strict();

export const lifecycleSchema = z
  .object({ event: z.enum(['missed', 'subscriptionRemoved', 'reauthorizationRequired']) })
  .strict();

export const seedSchema = z
  .object({
    folders: z.number().int().min(1).max(1000),
    messagesPerFolder: z.number().int().min(0).max(1_000_000),
    bodyBytes: z.number().int().min(0).max(10_000_000).optional(),
  })
  .strict();

export const throttlingSchema = z
  .object({
    maxConcurrentPerMailbox: z.number().int().min(1).optional(),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    retryAfterSeconds: z.number().min(0).optional(),
  })
  .strict();

export const appRolesSchema = z.object({ roles: z.array(z.string()) }).strict();
