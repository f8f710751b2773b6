// Bodies of the Teams control API over HTTP (/_sandbox/teams/…), mirroring TeamsControl's arguments.
import { z } from 'zod';

export const createTeamSchema = z
  .object({ displayName: z.string().min(1), memberIds: z.array(z.string().min(1)).min(1) })
  .strict();

export const createChannelSchema = z.object({ displayName: z.string().min(1) }).strict();

export const createChatSchema = z
  .object({
    chatType: z.enum(['oneOnOne', 'group']),
    memberIds: z.array(z.string().min(1)).min(2),
    topic: z.string().min(1).optional(),
  })
  .strict();

export const messageInputSchema = z
  .object({
    fromUserId: z.string().min(1),
    /** HTML content of the body (body.contentType is html). */
    body: z.string(),
    subject: z.string().optional(),
    mentions: z
      .array(z.object({ id: z.number().int().min(0), mentionText: z.string(), userId: z.string().min(1) }).strict())
      .optional(),
    attachments: z
      .array(
        z
          .object({
            id: z.string().min(1).optional(),
            contentType: z.string().min(1),
            contentUrl: z.string().optional(),
            content: z.string().optional(),
            name: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    /** For old history (the 8-month delta rule): a time before now on the sandbox clock. */
    createdDateTime: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type MessageInput = z.infer<typeof messageInputSchema>;

export const editMessageSchema = z.object({ body: z.string() }).strict();

export const reactionSchema = z.object({ userId: z.string().min(1), reactionType: z.string().min(1) }).strict();

export const advanceClockSchema = z
  .object({
    ms: z
      .number()
      .int()
      .min(0)
      .max(10 * 365 * 24 * 3600 * 1000),
  })
  .strict();

export const teamsThrottlingSchema = z
  .object({
    channelMessageGetsPerWindow: z.number().int().min(1).optional(),
    chatMessageGetsPerWindow: z.number().int().min(1).optional(),
    perTeamOrChannelPerWindow: z.number().int().min(1).optional(),
    windowMs: z.number().int().min(1).max(3_600_000).optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
  })
  .strict();

export const teamsAppRolesSchema = z.object({ roles: z.array(z.string()) }).strict();

export const teamsLifecycleSchema = z
  .object({ event: z.enum(['missed', 'subscriptionRemoved', 'reauthorizationRequired']) })
  .strict();
