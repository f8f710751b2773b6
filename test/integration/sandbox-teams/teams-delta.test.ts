// chatMessage: delta for a channel (chatmessage-delta) over real HTTPS: root posts only, paged by
// $top (at most 50) through opaque nextLinks to a deltaLink; the next round reports what changed in
// each reply chain (edit, reaction, new reply, soft delete with deletedDateTime) and nothing else;
// posts older than eight months are never returned; $filter accepts only lastModifiedDateTime gt.
import { describe, expect, it } from 'vitest';
import { graphGet, userAccessToken } from '../sandbox/sandbox-test-kit.js';
import {
  CHANNEL_SCOPES,
  channelUrl,
  deltaRound,
  expectGraphError,
  postMany,
  useTeamsSandbox,
} from './teams-test-kit.js';

const DAY = 24 * 60 * 60 * 1000;

describe('Teams sandbox channel delta', () => {
  const f = useTeamsSandbox();

  it('pages root posts by $top to a deltaLink, replies left out', async () => {
    const ids = postMany(f, 5);
    f.sandbox.teams.replyToChannelMessage(f.teamId, f.channelId, ids[0]!, { fromUserId: f.bianca, body: '<p>r</p>' });
    const round = await deltaRound(channelUrl(f, '/messages/delta?$top=2'), f.token);
    expect(round.pages.map((p) => p.value.length)).toEqual([2, 2, 1]);
    expect(round.messages.map((m) => m.id).sort()).toEqual([...ids].sort());
    expect(round.messages.every((m) => m.replyToId === null)).toBe(true);
    // Tokens are opaque: they say nothing readable and an edited one is refused.
    const link = new URL(round.deltaLink);
    const token = link.searchParams.get('$deltatoken')!;
    expect(token).not.toContain(f.channelId);
    link.searchParams.set('$deltatoken', `${token.slice(0, -2)}xx`);
    expectGraphError(await graphGet(link.toString(), f.token), 400, 'BadRequest');
    // Nothing changed: the next round is empty.
    expect((await deltaRound(round.deltaLink, f.token)).messages).toEqual([]);
  });

  it('reports an edit, a reaction, a new reply (as its root post) and a soft delete; no other post', async () => {
    const [edited, reacted, replied, deleted, untouched] = postMany(f, 5);
    const { deltaLink } = await deltaRound(channelUrl(f, '/messages/delta'), f.token);
    await f.sandbox.control.advanceClock(1000);
    f.sandbox.teams.editMessage(edited!, { body: '<p>edited</p>' });
    f.sandbox.teams.react(reacted!, { userId: f.bianca, reactionType: 'heart' });
    const replyId = f.sandbox.teams.replyToChannelMessage(f.teamId, f.channelId, replied!, {
      fromUserId: f.bianca,
      body: '<p>reply</p>',
    }).id;
    f.sandbox.teams.softDeleteMessage(deleted!);
    const next = await deltaRound(deltaLink, f.token);
    const byId = new Map(next.messages.map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual([edited, reacted, replied, deleted].sort());
    expect(byId.has(untouched!)).toBe(false);
    expect(byId.has(replyId)).toBe(false);
    expect(byId.get(edited!)!.lastEditedDateTime).not.toBeNull();
    expect(byId.get(reacted!)!.reactions.map((r) => r.reactionType)).toEqual(['heart']);
    expect(byId.get(deleted!)!.deletedDateTime).not.toBeNull();
  });

  it('never returns posts created more than eight months ago', async () => {
    const now = await f.sandbox.control.now();
    const old = f.sandbox.teams.postChannelMessage(f.teamId, f.channelId, {
      fromUserId: f.adele,
      body: '<p>old</p>',
      createdDateTime: new Date(now - 250 * DAY).toISOString(),
    }).id;
    const recent = f.sandbox.teams.postChannelMessage(f.teamId, f.channelId, {
      fromUserId: f.adele,
      body: '<p>recent</p>',
      createdDateTime: new Date(now - 200 * DAY).toISOString(),
    }).id;
    expect((await deltaRound(channelUrl(f, '/messages/delta'), f.token)).messages.map((m) => m.id)).toEqual([recent]);
    // The list still has both ("use GET …/messages to retrieve older messages").
    const list = (await graphGet(channelUrl(f, '/messages'), f.token)).body as { value: { id: string }[] };
    expect(list.value.map((m) => m.id).sort()).toEqual([old, recent].sort());
    // Moving the clock 60 days ages the recent post out of reach too, even when it changes.
    const { deltaLink } = await deltaRound(channelUrl(f, '/messages/delta'), f.token);
    f.sandbox.teams.advanceClock(60 * DAY);
    f.sandbox.teams.editMessage(recent, { body: '<p>edited late</p>' });
    const fresh = await userAccessToken(f.sandbox, f.adele, [...CHANNEL_SCOPES]);
    expect((await deltaRound(deltaLink, fresh)).messages).toEqual([]);
  });

  it('takes $filter=lastModifiedDateTime gt … only, and $top only up to 50', async () => {
    const [first, second] = postMany(f, 2);
    const cut = await f.sandbox.control.now();
    await f.sandbox.control.advanceClock(1000);
    f.sandbox.teams.react(first!, { userId: f.bianca, reactionType: 'like' });
    const filter = encodeURIComponent(`lastModifiedDateTime gt ${new Date(cut).toISOString()}`);
    const filtered = await deltaRound(channelUrl(f, `/messages/delta?$filter=${filter}`), f.token);
    expect(filtered.messages.map((m) => m.id)).toEqual([first]);
    expect(filtered.messages.map((m) => m.id)).not.toContain(second);

    const lt = encodeURIComponent(`lastModifiedDateTime lt ${new Date(cut).toISOString()}`);
    expectGraphError(await graphGet(channelUrl(f, `/messages/delta?$filter=${lt}`), f.token), 400, 'BadRequest');
    expectGraphError(await graphGet(channelUrl(f, '/messages/delta?$top=51'), f.token), 400, 'BadRequest');
    expect((await graphGet(channelUrl(f, '/messages/delta?$top=50'), f.token)).status).toBe(200);
    // A delta link of one channel does not open another.
    const { deltaLink } = await deltaRound(channelUrl(f, '/messages/delta'), f.token);
    const foreign = deltaLink.replace(encodeURIComponent(f.channelId), encodeURIComponent(f.generalId));
    expectGraphError(await graphGet(foreign, f.token), 400, 'BadRequest');
  });
});
