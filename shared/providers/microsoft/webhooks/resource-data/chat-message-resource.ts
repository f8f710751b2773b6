// The chatMessage a Teams notification with resource data carries, once decrypted
// (https://learn.microsoft.com/en-us/graph/api/resources/chatmessage): the same resource the Teams
// provider reads from Graph (teams/teams-schemas.ts), so the same schema. Loose: fields we do not
// read pass untouched, so a new or missing Graph field never refuses a message; a field of the wrong
// type does (bad_payload). The ids are only required to be present here: the notification is
// matched to its source before any id goes back into a URL.
import { z } from 'zod';
import { chatMessageSchema } from '../../teams/teams-schemas.js';

export const chatMessageResourceSchema = chatMessageSchema.extend({
  id: z.string().min(1),
  replyToId: z.string().nullish(),
});

export type ChatMessageResource = z.infer<typeof chatMessageResourceSchema>;
