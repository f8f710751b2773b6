// The Graph Teams answers the provider reads, parsed before use
// (https://learn.microsoft.com/graph/api/resources/chatmessage, …/resources/channel, …/resources/chat).
// Loose objects, so fields Graph adds pass; ids are checked against their alphabets, since they go
// back into URLs (replies, content).
import { z } from 'zod';
import { messageIdSchema, threadIdSchema } from './teams-location.js';

const identitySchema = z.looseObject({ id: z.string().nullish(), displayName: z.string().nullish() }).nullish();

export const chatMessageSchema = z.looseObject({
  id: messageIdSchema,
  replyToId: messageIdSchema.nullish(),
  etag: z.string().nullish(),
  messageType: z.string().nullish(),
  createdDateTime: z.string().nullish(),
  lastModifiedDateTime: z.string().nullish(),
  lastEditedDateTime: z.string().nullish(),
  deletedDateTime: z.string().nullish(),
  subject: z.string().nullish(),
  summary: z.string().nullish(),
  chatId: z.string().nullish(),
  channelIdentity: z.looseObject({ teamId: z.string().nullish(), channelId: z.string().nullish() }).nullish(),
  from: z.looseObject({ user: identitySchema, application: identitySchema, device: identitySchema }).nullish(),
  body: z.looseObject({ contentType: z.string().nullish(), content: z.string().nullish() }).nullish(),
  attachments: z
    .array(
      z.looseObject({
        id: z.string().nullish(),
        contentType: z.string().nullish(),
        contentUrl: z.string().nullish(),
        name: z.string().nullish(),
      }),
    )
    .nullish(),
  mentions: z
    .array(
      z.looseObject({
        id: z.number().nullish(),
        mentionText: z.string().nullish(),
        mentioned: z.looseObject({ user: identitySchema, application: identitySchema }).nullish(),
      }),
    )
    .nullish(),
  reactions: z.array(z.looseObject({ reactionType: z.string().nullish() })).nullish(),
  webUrl: z.string().nullish(),
});
export type GraphChatMessage = z.infer<typeof chatMessageSchema>;

/** A delta entry is a message, or (for a message gone from the view) `{ id, "@removed": { reason } }`. */
const removedEntrySchema = z.looseObject({
  id: messageIdSchema,
  '@removed': z.looseObject({ reason: z.string().nullish() }),
});

export const messageDeltaPageSchema = z.looseObject({
  value: z.array(z.union([removedEntrySchema, chatMessageSchema])),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});

/** A Graph collection page: `value`, and `@odata.nextLink` while more pages follow. */
const pageOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({ value: z.array(item), '@odata.nextLink': z.string().optional() });

export const messageListSchema = pageOf(chatMessageSchema);

export const channelSchema = z.looseObject({
  id: threadIdSchema,
  displayName: z.string().nullish(),
  webUrl: z.string().nullish(),
});

export const channelListSchema = pageOf(channelSchema);

export const chatSchema = z.looseObject({
  id: threadIdSchema,
  topic: z.string().nullish(),
  chatType: z.string().nullish(),
  webUrl: z.string().nullish(),
});

export const chatListSchema = pageOf(chatSchema);

export const idOnlySchema = z.looseObject({ id: z.string().min(1), displayName: z.string().nullish() });
