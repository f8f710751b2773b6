// Helpers for the Teams sandbox tests: a sandbox with two users, a team (General + one channel) and a
// group chat; tokens with the Teams permissions; Graph GETs over real HTTPS. Payloads are parsed with
// schemas written here from Microsoft's pages (chatmessage, channel, chat, chatmessage-delta), not
// with product code.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { z } from 'zod';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { graphErrorSchema } from '../sandbox/graph-test-schemas.js';
import {
  appAccessToken,
  graphGet,
  postToken,
  startTestSandbox,
  userAccessToken,
  type HttpResult,
} from '../sandbox/sandbox-test-kit.js';
import { tokenSuccessSchema } from '../sandbox/graph-test-schemas.js';

const identitySchema = z.object({
  '@odata.type': z.literal('#microsoft.graph.teamworkUserIdentity'),
  id: z.string(),
  displayName: z.string(),
  userIdentityType: z.literal('aadUser'),
  tenantId: z.string(),
});

export const chatMessageSchema = z
  .object({
    id: z.string().regex(/^\d+$/),
    replyToId: z.string().nullable(),
    etag: z.string().min(1),
    messageType: z.literal('message'),
    createdDateTime: z.iso.datetime(),
    lastModifiedDateTime: z.iso.datetime(),
    lastEditedDateTime: z.iso.datetime().nullable(),
    deletedDateTime: z.iso.datetime().nullable(),
    chatId: z.string().nullable(),
    webUrl: z.string().url(),
    from: z.object({ application: z.null(), device: z.null(), user: identitySchema }),
    body: z.object({ contentType: z.literal('html'), content: z.string() }),
    channelIdentity: z.object({ teamId: z.string(), channelId: z.string() }).nullable(),
    attachments: z.array(
      z
        .object({
          id: z.string(),
          contentType: z.string(),
          contentUrl: z.string().nullable(),
          name: z.string().nullable(),
        })
        .passthrough(),
    ),
    mentions: z.array(
      z.object({
        id: z.number(),
        mentionText: z.string(),
        mentioned: z.object({ user: identitySchema }).passthrough(),
      }),
    ),
    reactions: z.array(
      z
        .object({
          reactionType: z.string(),
          createdDateTime: z.iso.datetime(),
          user: z.object({ user: identitySchema }).passthrough(),
        })
        .passthrough(),
    ),
  })
  .passthrough();
export type ChatMessageBody = z.infer<typeof chatMessageSchema>;

export const collectionSchema = z.object({
  '@odata.context': z.string(),
  '@odata.nextLink': z.string().url().optional(),
  value: z.array(chatMessageSchema),
});

export const deltaPageSchema = z
  .object({
    '@odata.context': z.string(),
    '@odata.nextLink': z.string().url().optional(),
    '@odata.deltaLink': z.string().url().optional(),
    value: z.array(chatMessageSchema),
  })
  .refine((page) => (page['@odata.nextLink'] === undefined) !== (page['@odata.deltaLink'] === undefined), {
    message: 'exactly one of @odata.nextLink and @odata.deltaLink',
  });

export const CHANNEL_SCOPES = ['ChannelMessage.Read.All', 'Channel.ReadBasic.All'];
export const CHAT_SCOPES = ['Chat.Read'];

export interface TeamsFixture {
  sandbox: Sandbox;
  /** Adele (the default user) and Bianca: both members of the team and the chat. */
  adele: string;
  bianca: string;
  teamId: string;
  generalId: string;
  channelId: string;
  chatId: string;
  /** Delegated, Adele: ChannelMessage.Read.All + Channel.ReadBasic.All + Chat.Read. */
  token: string;
  appToken: string;
}

/** One sandbox per file, reset before each test, then the team, channel and chat made again. */
export function useTeamsSandbox(): TeamsFixture {
  const f = {} as TeamsFixture;
  beforeAll(async () => {
    f.sandbox = await startTestSandbox();
  });
  afterAll(() => f.sandbox.stop());
  beforeEach(async () => {
    await f.sandbox.control.reset();
    f.adele = f.sandbox.defaultUserId;
    f.bianca = (await f.sandbox.control.createUser({ displayName: 'Bianca Pisani' })).id;
    const team = f.sandbox.teams.createTeam({ displayName: 'Mark 8 Project', memberIds: [f.adele, f.bianca] });
    f.teamId = team.id;
    f.generalId = team.generalChannelId;
    f.channelId = f.sandbox.teams.createChannel(team.id, { displayName: 'Research' }).id;
    f.chatId = f.sandbox.teams.createChat({ chatType: 'group', memberIds: [f.adele, f.bianca], topic: 'Launch' }).id;
    f.token = await userAccessToken(f.sandbox, f.adele, [...CHANNEL_SCOPES, ...CHAT_SCOPES]);
    f.appToken = await appAccessToken(f.sandbox);
    // Teams' real rates (teams-throttle.ts) would throttle these tests' bursts; the throttling test sets its own.
    f.sandbox.teams.setThrottling({
      channelMessageGetsPerWindow: 10_000,
      chatMessageGetsPerWindow: 10_000,
      perTeamOrChannelPerWindow: 10_000,
    });
  });
  return f;
}

export function channelUrl(f: TeamsFixture, path = ''): string {
  return `${f.sandbox.graphBaseUrl}/teams/${f.teamId}/channels/${encodeURIComponent(f.channelId)}${path}`;
}

export function chatUrl(f: TeamsFixture, path = ''): string {
  return `${f.sandbox.graphBaseUrl}/chats/${encodeURIComponent(f.chatId)}${path}`;
}

export async function getOk(url: string, token: string): Promise<unknown> {
  const result = await graphGet(url, token);
  if (result.status !== 200) throw new Error(`GET ${url} answered ${result.status}: ${result.text}`);
  return result.body;
}

export function expectGraphError(result: HttpResult, status: number, code: string): { code: string; message: string } {
  if (result.status !== status) throw new Error(`expected ${status} ${code}, got ${result.status}: ${result.text}`);
  const error = graphErrorSchema.parse(result.body).error;
  if (error.code !== code) throw new Error(`expected code ${code}, got ${error.code}: ${error.message}`);
  return error;
}

/** Follows nextLinks to the deltaLink (bounded). */
export async function deltaRound(
  url: string,
  token: string,
): Promise<{ pages: z.infer<typeof deltaPageSchema>[]; messages: ChatMessageBody[]; deltaLink: string }> {
  const pages: z.infer<typeof deltaPageSchema>[] = [];
  let next: string | undefined = url;
  for (let i = 0; i < 200 && next; i++) {
    const page = deltaPageSchema.parse(await getOk(next, token));
    pages.push(page);
    if (page['@odata.deltaLink'])
      return { pages, messages: pages.flatMap((p) => p.value), deltaLink: page['@odata.deltaLink'] };
    next = page['@odata.nextLink'];
  }
  throw new Error('delta round did not end within the page bound');
}

/** Posts `count` root messages by Adele in the fixture's channel; returns their ids, oldest first. */
export function postMany(f: TeamsFixture, count: number, channelId = f.channelId): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      f.sandbox.teams.postChannelMessage(f.teamId, channelId, { fromUserId: f.adele, body: `<p>post ${i}</p>` }).id,
  );
}

/**
 * A delegated token with exactly `scopes`: one user's grant accumulates every scope consented, so the
 * refresh asks for the narrower set (scope on the refresh_token grant).
 */
export async function tokenWithScopes(sandbox: Sandbox, userId: string, scopes: string[]): Promise<string> {
  const { refreshToken } = await sandbox.control.issueRefreshToken({ userId, scopes });
  const result = await postToken(sandbox, {
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    scope: scopes.map((scope) => `https://graph.microsoft.com/${scope}`).join(' '),
  });
  if (result.status !== 200) throw new Error(`refresh failed: ${result.status} ${result.text}`);
  return tokenSuccessSchema.parse(result.body).access_token;
}
