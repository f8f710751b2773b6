// The chatMessage a Teams notification with resource data carries, once decrypted
// (https://learn.microsoft.com/en-us/graph/api/resources/chatmessage). Loose: fields we do not read
// pass untouched and every field is optional except the id, so a new or missing Graph field never
// refuses a message; a field of the wrong type does (bad_payload).
import { z } from 'zod';

const identity = z.looseObject({ id: z.string().nullish(), displayName: z.string().nullish() });

export const chatMessageResourceSchema = z.looseObject({
  id: z.string().min(1),
  replyToId: z.string().nullish(),
  etag: z.string().nullish(),
  createdDateTime: z.string().nullish(),
  lastModifiedDateTime: z.string().nullish(),
  lastEditedDateTime: z.string().nullish(),
  deletedDateTime: z.string().nullish(),
  from: z
    .looseObject({ user: identity.nullish(), application: identity.nullish(), device: identity.nullish() })
    .nullish(),
  body: z.looseObject({ contentType: z.string().nullish(), content: z.string().nullish() }).nullish(),
  mentions: z.array(z.looseObject({ id: z.number().nullish(), mentionText: z.string().nullish() })).nullish(),
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
  webUrl: z.string().nullish(),
  channelIdentity: z.looseObject({ teamId: z.string().nullish(), channelId: z.string().nullish() }).nullish(),
  chatId: z.string().nullish(),
});

export type ChatMessageResource = z.infer<typeof chatMessageResourceSchema>;
