// Where a Teams source reads. `teams_channel`: one channel of a team, or every channel of it;
// `teams_chat`: one chat (delegated or app-only), or every chat of a user (app-only:
// https://learn.microsoft.com/graph/api/chat-list). Each id is held to the alphabet Graph uses for it,
// so no value can add, end or climb a URL segment (the rule of drive/graph-ids.ts).
import { z } from 'zod';
import type { ResolvedLocation, SourceRecord } from '../../../core/domain/source.js';
import { graphUserIdSchema } from '../drive/graph-ids.js';

const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/** A team's id is its Microsoft 365 group's object id (https://learn.microsoft.com/graph/api/resources/team). */
export const teamIdSchema = z.string().regex(GUID, 'a team id is the group object id (GUID)');

/**
 * Channel and chat ids are thread ids: `19:` + letters, digits, `_`, `-`, `.` + `@` + a thread domain
 * (`19:…@thread.tacv2`, `19:…@thread.skype`, `19:…@thread.v2`, one-on-one `19:<guid>_<guid>@unq.gbl.spaces`,
 * meetings `19:meeting_…@thread.v2`): https://learn.microsoft.com/graph/api/resources/channel,
 * …/resources/chat. None of them can hold `/`, `?`, `#` or `%`.
 */
export const threadIdSchema = z
  .string()
  .min(4)
  .max(256)
  .regex(/^19:[A-Za-z0-9_.=-]+@[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+$/, 'a channel or chat id looks like "19:…@thread.v2"');

/** Message and reply ids: digits (the post's epoch milliseconds, https://learn.microsoft.com/graph/api/resources/chatmessage). */
export const messageIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9A-Za-z_-]+$/, 'a message id has letters, digits, "_" and "-" only');

export const teamsChannelLocationSchema = z.union([
  z.object({ teamId: teamIdSchema, channelId: threadIdSchema }).strict(),
  z.object({ teamId: teamIdSchema, allChannels: z.literal(true) }).strict(),
]);
export type TeamsChannelLocation = z.output<typeof teamsChannelLocationSchema>;

export const teamsChatLocationSchema = z.union([
  z.object({ chatId: threadIdSchema }).strict(),
  z.object({ userId: graphUserIdSchema, allChats: z.literal(true) }).strict(),
]);
export type TeamsChatLocation = z.output<typeof teamsChatLocationSchema>;

/** Stored as `SourceRecord.resolvedLocation`: the ids the location names, and names for the folder items. */
export interface ResolvedTeamsLocation extends ResolvedLocation {
  teamId?: string;
  /** Set for one channel; absent for every channel of the team. */
  channelId?: string;
  /** Set for one chat. */
  chatId?: string;
  /** Set for every chat of a user. */
  userId?: string;
  /** The channel's or chat's display name, for its folder item. */
  displayName?: string;
}

export function teamsLocationOf(source: Pick<SourceRecord, 'resolvedLocation'>): ResolvedTeamsLocation {
  const resolved = source.resolvedLocation as Record<string, unknown>;
  const text = (key: string) => (typeof resolved[key] === 'string' ? resolved[key] : undefined);
  return withoutUndefined({
    teamId: text('teamId'),
    channelId: text('channelId'),
    chatId: text('chatId'),
    userId: text('userId'),
    displayName: text('displayName'),
  });
}

/** What the location alone names (before credentials exist, discovery has not run yet). */
export function unresolvedTeamsLocation(location: TeamsChannelLocation | TeamsChatLocation): ResolvedTeamsLocation {
  if ('teamId' in location)
    return 'channelId' in location
      ? { teamId: location.teamId, channelId: location.channelId }
      : { teamId: location.teamId };
  return 'chatId' in location ? { chatId: location.chatId } : { userId: location.userId };
}

export function sameTeamsLocation(a: ResolvedLocation, b: ResolvedLocation): boolean {
  const x = teamsLocationOf({ resolvedLocation: a });
  const y = teamsLocationOf({ resolvedLocation: b });
  return x.teamId === y.teamId && x.channelId === y.channelId && x.chatId === y.chatId && x.userId === y.userId;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
