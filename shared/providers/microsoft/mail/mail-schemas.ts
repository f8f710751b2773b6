// The Graph mail answers the provider reads, parsed before use
// (https://learn.microsoft.com/graph/api/resources/message, …/mailfolder, https://learn.microsoft.com/graph/delta-query-messages).
import { z } from 'zod';

const emailAddressSchema = z.looseObject({
  emailAddress: z.looseObject({ address: z.string().nullish(), name: z.string().nullish() }).nullish(),
});

export const mailFolderSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  parentFolderId: z.string().nullish(),
});
export type GraphMailFolder = z.infer<typeof mailFolderSchema>;

/** A delta entry is the object, or `{ id, "@removed": { reason } }` for one deleted or moved away. */
const removedSchema = z.looseObject({ reason: z.string().nullish() });

export const folderDeltaPageSchema = z.looseObject({
  value: z.array(mailFolderSchema.extend({ '@removed': removedSchema.optional() })),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});

export const mailMessageSchema = z.looseObject({
  id: z.string().min(1),
  subject: z.string().nullish(),
  from: emailAddressSchema.nullish(),
  toRecipients: z.array(emailAddressSchema).nullish(),
  ccRecipients: z.array(emailAddressSchema).nullish(),
  receivedDateTime: z.string().nullish(),
  sentDateTime: z.string().nullish(),
  lastModifiedDateTime: z.string().nullish(),
  conversationId: z.string().nullish(),
  internetMessageId: z.string().nullish(),
  parentFolderId: z.string().nullish(),
  hasAttachments: z.boolean().nullish(),
  isDraft: z.boolean().nullish(),
  webLink: z.string().nullish(),
  body: z.looseObject({ contentType: z.string().nullish(), content: z.string().nullish() }).nullish(),
  '@odata.etag': z.string().nullish(),
});
export type GraphMailMessage = z.infer<typeof mailMessageSchema>;

export const messageDeltaPageSchema = z.looseObject({
  value: z.array(z.union([z.looseObject({ id: z.string().min(1), '@removed': removedSchema }), mailMessageSchema])),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});

export const folderListSchema = z.looseObject({
  value: z.array(mailFolderSchema),
  '@odata.nextLink': z.string().optional(),
});

export const messageListSchema = z.looseObject({
  value: z.array(mailMessageSchema),
  '@odata.nextLink': z.string().optional(),
});

export const attachmentListSchema = z.looseObject({
  value: z.array(
    z.looseObject({
      id: z.string().min(1),
      name: z.string().nullish(),
      contentType: z.string().nullish(),
      size: z.number().nullish(),
      isInline: z.boolean().nullish(),
      '@odata.type': z.string().nullish(),
    }),
  ),
});

export const userIdSchema = z.looseObject({ id: z.string().min(1) });
