// Graph's Teams read routes over real HTTPS (channel-list, channel-get, channel-list-messages,
// chatmessage-get, chatmessage-list-replies, chat-get, chat-list-messages, chat-list): the chatMessage
// shape, root posts vs replies, soft deletes, $top's upper limit of 50, chat messages' $orderby and
// $filter exactly as documented, and the permission and membership checks with Graph's error body.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { graphGet } from '../sandbox/sandbox-test-kit.js';
import {
  channelUrl,
  chatMessageSchema,
  chatUrl,
  collectionSchema,
  expectGraphError,
  getOk,
  postMany,
  tokenWithScopes,
  useTeamsSandbox,
} from './teams-test-kit.js';

describe('Teams sandbox routes', () => {
  const f = useTeamsSandbox();

  it('lists the team’s standard channels and gets one', async () => {
    const list = z
      .object({
        value: z.array(
          z.object({ id: z.string(), displayName: z.string(), membershipType: z.literal('standard') }).passthrough(),
        ),
      })
      .parse(await getOk(`${f.sandbox.graphBaseUrl}/teams/${f.teamId}/channels`, f.token));
    expect(list.value.map((c) => c.displayName).sort()).toEqual(['General', 'Research']);
    const one = z
      .object({ id: z.string(), displayName: z.string() })
      .passthrough()
      .parse(await getOk(channelUrl(f), f.token));
    expect(one).toMatchObject({ id: f.channelId, displayName: 'Research' });
  });

  it('returns chatMessages as documented: author, html body, mentions, attachments, reactions, replies apart', async () => {
    const rootId = f.sandbox.teams.postChannelMessage(f.teamId, f.channelId, {
      fromUserId: f.adele,
      body: '<p>Hi <at id="0">Bianca</at></p>',
      mentions: [{ id: 0, mentionText: 'Bianca', userId: f.bianca }],
      attachments: [{ contentType: 'reference', contentUrl: 'https://contoso.sharepoint.com/a.docx', name: 'a.docx' }],
    }).id;
    const replyId = f.sandbox.teams.replyToChannelMessage(f.teamId, f.channelId, rootId, {
      fromUserId: f.bianca,
      body: '<p>Hello</p>',
    }).id;
    f.sandbox.teams.react(rootId, { userId: f.bianca, reactionType: 'like' });

    const list = collectionSchema.parse(await getOk(channelUrl(f, '/messages'), f.token));
    expect(list.value.map((m) => m.id)).toEqual([rootId]);
    const root = chatMessageSchema.parse(await getOk(channelUrl(f, `/messages/${rootId}`), f.token));
    expect(root).toMatchObject({
      replyToId: null,
      from: { user: { id: f.adele, displayName: 'Adele Vance' } },
      body: { contentType: 'html', content: '<p>Hi <at id="0">Bianca</at></p>' },
      channelIdentity: { teamId: f.teamId, channelId: f.channelId },
      mentions: [{ id: 0, mentionText: 'Bianca', mentioned: { user: { id: f.bianca } } }],
      attachments: [{ contentType: 'reference', name: 'a.docx' }],
      reactions: [{ reactionType: 'like', user: { user: { id: f.bianca } } }],
    });
    expect(Date.parse(root.lastModifiedDateTime)).toBeGreaterThan(Date.parse(root.createdDateTime));
    const replies = collectionSchema.parse(await getOk(channelUrl(f, `/messages/${rootId}/replies`), f.token));
    expect(replies.value.map((m) => [m.id, m.replyToId])).toEqual([[replyId, rootId]]);
    // A reply is not a root message of the channel.
    expectGraphError(await graphGet(channelUrl(f, `/messages/${replyId}`), f.token), 404, 'NotFound');
  });

  it('keeps a soft-deleted message, with deletedDateTime; an edit sets lastEditedDateTime and a new etag', async () => {
    const [a, b] = postMany(f, 2);
    const before = chatMessageSchema.parse(await getOk(channelUrl(f, `/messages/${a}`), f.token));
    await f.sandbox.control.advanceClock(1000);
    f.sandbox.teams.editMessage(a!, { body: '<p>edited</p>' });
    f.sandbox.teams.softDeleteMessage(b!);
    const edited = chatMessageSchema.parse(await getOk(channelUrl(f, `/messages/${a}`), f.token));
    expect(edited.lastEditedDateTime).not.toBeNull();
    expect(edited.body.content).toBe('<p>edited</p>');
    expect(edited.etag).not.toBe(before.etag);
    const deleted = chatMessageSchema.parse(await getOk(channelUrl(f, `/messages/${b}`), f.token));
    expect(deleted.deletedDateTime).not.toBeNull();
  });

  it('pages channel messages with $top up to 50 and refuses 51', async () => {
    postMany(f, 5);
    const first = collectionSchema.parse(await getOk(channelUrl(f, '/messages?$top=2'), f.token));
    expect(first.value).toHaveLength(2);
    const seen = [...first.value];
    let next = first['@odata.nextLink'];
    while (next) {
      const page = collectionSchema.parse(await getOk(next, f.token));
      seen.push(...page.value);
      next = page['@odata.nextLink'];
    }
    expect(new Set(seen.map((m) => m.id)).size).toBe(5);
    expect((await graphGet(channelUrl(f, '/messages?$top=50'), f.token)).status).toBe(200);
    expectGraphError(await graphGet(channelUrl(f, '/messages?$top=51'), f.token), 400, 'BadRequest');
    expectGraphError(await graphGet(channelUrl(f, '/messages?$select=id'), f.token), 400, 'BadRequest');
  });

  it('lists chat messages by lastModifiedDateTime desc, filters only with the same $orderby, refuses the rest', async () => {
    const chat = f.sandbox.teams;
    const ids: string[] = [];
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(chat.postChatMessage(f.chatId, { fromUserId: f.adele, body: `<p>${i}</p>` }).id);
      times.push(await f.sandbox.control.now());
      await f.sandbox.control.advanceClock(60_000);
    }
    // Editing the first makes it the most recently modified.
    chat.editMessage(ids[0]!, { body: '<p>0 edited</p>' });
    const byModified = collectionSchema.parse(await getOk(chatUrl(f, '/messages'), f.token));
    expect(byModified.value.map((m) => m.id)).toEqual([ids[0], ids[2], ids[1]]);
    const byCreated = collectionSchema.parse(
      await getOk(chatUrl(f, '/messages?$orderby=createdDateTime desc'), f.token),
    );
    expect(byCreated.value.map((m) => m.id)).toEqual([ids[2], ids[1], ids[0]]);

    const gt = new Date(times[0]! + 1).toISOString();
    const lt = new Date(times[2]! + 1).toISOString();
    const window = `lastModifiedDateTime gt ${gt} and lastModifiedDateTime lt ${lt}`;
    const filtered = collectionSchema.parse(
      await getOk(
        chatUrl(f, `/messages?$orderby=lastModifiedDateTime desc&$filter=${encodeURIComponent(window)}`),
        f.token,
      ),
    );
    expect(filtered.value.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    // Without the matching $orderby the documented behaviour is that $filter is ignored.
    const ignored = collectionSchema.parse(
      await getOk(chatUrl(f, `/messages?$filter=${encodeURIComponent(window)}`), f.token),
    );
    expect(ignored.value).toHaveLength(3);

    expectGraphError(
      await graphGet(chatUrl(f, '/messages?$orderby=lastModifiedDateTime asc'), f.token),
      400,
      'BadRequest',
    );
    expectGraphError(
      await graphGet(
        chatUrl(f, `/messages?$filter=${encodeURIComponent(`createdDateTime gt ${gt}`)}&$orderby=createdDateTime desc`),
        f.token,
      ),
      400,
      'BadRequest',
    );
    expectGraphError(await graphGet(chatUrl(f, '/messages?$top=51'), f.token), 400, 'BadRequest');
    expectGraphError(await graphGet(chatUrl(f, '/messages?$skip=1'), f.token), 400, 'BadRequest');
  });

  it('gets a chat and lists the user’s chats', async () => {
    const chat = z
      .object({ id: z.string(), chatType: z.literal('group'), topic: z.string() })
      .passthrough()
      .parse(await getOk(chatUrl(f), f.token));
    expect(chat.id).toBe(f.chatId);
    const one = f.sandbox.teams.createChat({ chatType: 'oneOnOne', memberIds: [f.adele, f.bianca] }).id;
    const list = z
      .object({ value: z.array(z.object({ id: z.string(), chatType: z.string() }).passthrough()) })
      .parse(await getOk(`${f.sandbox.graphBaseUrl}/users/${f.adele}/chats`, f.token));
    expect(list.value.map((c) => c.id).sort()).toEqual([f.chatId, one].sort());
    // Delegated: only the signed-in user's own chats.
    expectGraphError(await graphGet(`${f.sandbox.graphBaseUrl}/users/${f.bianca}/chats`, f.token), 403, 'Forbidden');
  });

  it('checks scopes, roles and membership with 403 Forbidden', async () => {
    const filesOnly = await tokenWithScopes(f.sandbox, f.adele, ['Files.Read.All']);
    const missing = expectGraphError(await graphGet(channelUrl(f, '/messages'), filesOnly), 403, 'Forbidden');
    expect(missing.message).toContain('ChannelMessage.Read.All');
    expectGraphError(await graphGet(chatUrl(f, '/messages'), filesOnly), 403, 'Forbidden');
    // Chat.Read does not reach channel messages.
    const chatOnly = await tokenWithScopes(f.sandbox, f.adele, ['Chat.Read']);
    expectGraphError(await graphGet(channelUrl(f, '/messages'), chatOnly), 403, 'Forbidden');
    expect((await graphGet(chatUrl(f, '/messages'), chatOnly)).status).toBe(200);

    const outsider = (await f.sandbox.control.createUser({ displayName: 'Outsider' })).id;
    const outsiderToken = await tokenWithScopes(f.sandbox, outsider, ['ChannelMessage.Read.All', 'Chat.Read']);
    expectGraphError(await graphGet(channelUrl(f, '/messages'), outsiderToken), 403, 'Forbidden');
    expectGraphError(await graphGet(chatUrl(f, '/messages'), outsiderToken), 403, 'Forbidden');

    // Application permissions: the app reaches every team and chat while it holds the roles.
    expect((await graphGet(channelUrl(f, '/messages'), f.appToken)).status).toBe(200);
    expect((await graphGet(chatUrl(f, '/messages'), f.appToken)).status).toBe(200);
    f.sandbox.teams.setAppRoles(f.sandbox.clientId, ['Chat.Read.All']);
    expectGraphError(await graphGet(channelUrl(f, '/messages'), f.appToken), 403, 'Forbidden');
    expect((await graphGet(chatUrl(f, '/messages'), f.appToken)).status).toBe(200);

    expectGraphError(await graphGet(`${f.sandbox.graphBaseUrl}/teams/unknown/channels`, f.token), 404, 'NotFound');
  });
});
