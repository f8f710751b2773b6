// The engine's exact-feed scenarios on Microsoft Teams, on the real provider (shared/providers/
// microsoft/teams) and the sandbox's Teams module (dev/sandbox/teams) with real stores on Azurite:
// a channel's crawl of posts and replies (one older than delta's eight months), a new post, a reply,
// an edit, a reaction (metadata only), a soft delete; every channel of a team with a channel made
// later; a chat's post, edit and delete; Teams' 429 with Retry-After; the message content; and a
// crash at every step of a multi-page crawl and of an incremental sync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashAt, expectRepeatsShareIds, hostView, runUntilSynced } from '../../support/crash-points.js';
import { startSyncHarness, syncAndTakeNewEvents, type SyncHarness } from '../../support/sync-harness.js';

const SEEDS = [1, 7, 20_261_203];
const DAY_MS = 24 * 60 * 60 * 1000;

/** Teams' real rates would throttle a test's bursts; the throttling scenario sets its own. */
const UNTHROTTLED = {
  channelMessageGetsPerWindow: 10_000,
  chatMessageGetsPerWindow: 10_000,
  perTeamOrChannelPerWindow: 10_000,
};

for (const seed of SEEDS) {
  describe(`Teams scenarios (seed ${seed})`, () => {
    let h: SyncHarness;
    let kb = 0;
    let adele: string;
    let bianca: string;
    beforeAll(async () => {
      process.env.SYNC_TEST_SEED = String(seed);
      // No pacing of our own: the sandbox's Teams throttling is what a scenario sets. The crash runs
      // make thousands of requests a minute, past the tenant's per-app budget, which is not under test.
      h = await startSyncHarness({ appResourceUnitsPerMinute: 1_000_000 }, { teamsMinIntervalMsPerThread: 0 });
      delete process.env.SYNC_TEST_SEED;
      adele = h.sandbox.defaultUserId;
      bianca = (await h.sandbox.control.createUser({ displayName: 'Bianca Pisani' })).id;
      h.sandbox.teams.setThrottling(UNTHROTTLED);
    });
    afterAll(async () => h.stop());

    const register = async (type: 'teams_channel' | 'teams_chat', location: Record<string, unknown>) => {
      const key = { kbId: `kb${++kb}`, sourceId: 'teams' };
      await h.registerSource({ ...key, type, location });
      return key;
    };
    const newTeam = (name: string) => h.sandbox.teams.createTeam({ displayName: name, memberIds: [adele, bianca] });
    const post = (teamId: string, channelId: string, body: string, createdDateTime?: string) =>
      h.sandbox.teams.postChannelMessage(teamId, channelId, {
        fromUserId: adele,
        body,
        ...(createdDateTime ? { createdDateTime } : {}),
      }).id;
    const reply = (teamId: string, channelId: string, postId: string, body: string) =>
      h.sandbox.teams.replyToChannelMessage(teamId, channelId, postId, { fromUserId: bianca, body }).id;

    it('crawls a channel (an old post too), then reports a post, a reply, an edit, a reaction and a delete exactly', async () => {
      const team = newTeam(`Mark 8 ${seed}`);
      const channel = h.sandbox.teams.createChannel(team.id, { displayName: 'Research' }).id;
      const old = post(team.id, channel, '<p>from last year</p>', new Date(Date.now() - 270 * DAY_MS).toISOString());
      const first = post(team.id, channel, '<p>first</p>');
      const answer = reply(team.id, channel, first, '<p>an answer</p>');
      const key = await register('teams_channel', { teamId: team.id, channelId: channel });
      const seen = { count: 0 };

      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(
        [
          `upsert /Research/message ${old}.html content`,
          `upsert /Research/message ${first}.html content`,
          `upsert /Research/message ${answer}.html content`,
        ].sort(),
      );
      const crawl = await h.allEvents(key.kbId);
      const answerEvent = crawl.find((event) => event.itemId === `${channel}/${first}/${answer}`);
      expect(answerEvent).toMatchObject({
        kind: 'message',
        message: { conversationId: `${channel}/${first}`, from: 'Bianca Pisani', hasAttachments: false },
      });
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([]);

      const second = post(team.id, channel, '<p>second</p>');
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`upsert /Research/message ${second}.html content`]);

      const later = reply(team.id, channel, second, '<p>later answer</p>');
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`upsert /Research/message ${later}.html content`]);

      h.sandbox.teams.editMessage(first, { body: '<p>first, edited</p>' });
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`upsert /Research/message ${first}.html content`]);

      // docs/provider-teams.md, the content rule: a reaction changes lastModifiedDateTime and the etag
      // only, so it is no content change; the path stays, so the engine writes no event at all (it
      // only keeps the new etag).
      const etagBefore = (await h.items.get(key, `${channel}/${second}`))?.eTag;
      h.sandbox.teams.react(second, { userId: bianca, reactionType: 'like' });
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([]);
      expect((await h.items.get(key, `${channel}/${second}`))?.eTag).not.toBe(etagBefore);

      h.sandbox.teams.softDeleteMessage(later);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`delete /Research/message ${later}.html`]);
      h.sandbox.teams.softDeleteMessage(second);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`delete /Research/message ${second}.html`]);

      // The content route's provider path: the message's HTML body.
      const source = (await h.sources.get(key))!.record;
      const content = await h.providers.get('teams_channel').downloadContent(source, `${channel}/${first}`, {});
      expect(content.status).toBe(200);
      expect(content.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(await readAll(content.body!)).toBe('<p>first, edited</p>');
      const replyContent = await h.providers
        .get('teams_channel')
        .downloadContent(source, `${channel}/${first}/${answer}`, {});
      expect(await readAll(replyContent.body!)).toBe('<p>an answer</p>');
    });

    it('follows every channel of a team, a channel made later included', async () => {
      const team = newTeam(`Contoso ${seed}`);
      const hello = post(team.id, team.generalChannelId, '<p>hello</p>');
      const key = await register('teams_channel', { teamId: team.id, allChannels: true });
      const seen = { count: 0 };
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(
        [`upsert /General/message ${hello}.html content`].sort(),
      );

      const design = h.sandbox.teams.createChannel(team.id, { displayName: 'Design' }).id;
      const sketch = post(team.id, design, '<p>sketch</p>');
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(
        [`upsert /Design/message ${sketch}.html content`].sort(),
      );
      expect(Object.keys((await h.sources.get(key))!.record.cursors ?? {})).toContain(`channel:${design}`);

      const more = post(team.id, design, '<p>more</p>');
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`upsert /Design/message ${more}.html content`]);
    });

    it('keeps a chat: a post, an edit and a delete', async () => {
      const chat = h.sandbox.teams.createChat({ chatType: 'group', memberIds: [adele, bianca], topic: 'Launch' }).id;
      const hi = h.sandbox.teams.postChatMessage(chat, { fromUserId: adele, body: '<p>hi</p>' }).id;
      const key = await register('teams_chat', { chatId: chat });
      const seen = { count: 0 };
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`upsert /Launch/message ${hi}.html content`].sort());
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([]);

      const plan = h.sandbox.teams.postChatMessage(chat, { fromUserId: bianca, body: '<p>plan</p>' }).id;
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`upsert /Launch/message ${plan}.html content`]);
      h.sandbox.teams.editMessage(plan, { body: '<p>the plan</p>' });
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`upsert /Launch/message ${plan}.html content`]);
      h.sandbox.teams.softDeleteMessage(hi);
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`delete /Launch/message ${hi}.html`]);

      const source = (await h.sources.get(key))!.record;
      const content = await h.providers.get('teams_chat').downloadContent(source, `${chat}/${plan}`, {});
      expect(await readAll(content.body!)).toBe('<p>the plan</p>');
    });

    it('follows every chat of a user (app-only), a chat made later included', async () => {
      const carol = (await h.sandbox.control.createUser({ displayName: `Carol ${seed}` })).id;
      const ops = h.sandbox.teams.createChat({ chatType: 'group', memberIds: [carol, bianca], topic: 'Ops' }).id;
      const up = h.sandbox.teams.postChatMessage(ops, { fromUserId: carol, body: '<p>up</p>' }).id;
      const key = await register('teams_chat', { userId: carol, allChats: true });
      const seen = { count: 0 };
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`upsert /Ops/message ${up}.html content`]);

      const later = h.sandbox.teams.createChat({ chatType: 'group', memberIds: [carol, adele], topic: 'Later' }).id;
      const hey = h.sandbox.teams.postChatMessage(later, { fromUserId: adele, body: '<p>hey</p>' }).id;
      expect(await syncAndTakeNewEvents(h, key, seen)).toEqual([`upsert /Later/message ${hey}.html content`]);
      expect(Object.keys((await h.sources.get(key))!.record.cursors ?? {})).toContain(`chat:${later}`);
    });

    it("honours Teams' 429 and Retry-After: the sync still completes", async () => {
      const team = newTeam(`Throttled ${seed}`);
      const channel = h.sandbox.teams.createChannel(team.id, { displayName: 'Busy' }).id;
      const posts = [0, 1, 2, 3, 4].map((i) => post(team.id, channel, `<p>p${i}</p>`));
      const key = await register('teams_channel', { teamId: team.id, channelId: channel });
      h.sandbox.teams.setThrottling({
        channelMessageGetsPerWindow: 2,
        perTeamOrChannelPerWindow: 2,
        windowMs: 1000,
        retryAfterSeconds: 1,
      });
      const since = Date.now();
      try {
        const seen = { count: 0 };
        expect(await syncAndTakeNewEvents(h, key, seen)).toEqual(
          [...posts.map((id) => `upsert /Busy/message ${id}.html content`)].sort(),
        );
      } finally {
        h.sandbox.teams.setThrottling({ ...UNTHROTTLED, windowMs: 1000 });
      }
      const log = await h.sandbox.control.requestLog();
      const throttled = log.filter((entry) => entry.time >= since && entry.status === 429);
      expect(throttled.length).toBeGreaterThan(0);
    });

    it('loses nothing when a multi-page crawl or an incremental sync crashes at any step', async () => {
      const build = () => {
        const team = newTeam(`Crash ${++kb}`);
        const channel = h.sandbox.teams.createChannel(team.id, { displayName: 'Ops' }).id;
        // More posts than one delta page (20) holds, so the seed pages; two with replies.
        const posts = Array.from({ length: 23 }, (_, i) => post(team.id, channel, `<p>p${i}</p>`));
        const replies = [
          reply(team.id, channel, posts[0]!, '<p>r0</p>'),
          reply(team.id, channel, posts[5]!, '<p>r1</p>'),
        ];
        const items = [
          ...posts.map((id) => `${channel}/${id}`),
          `${channel}/${posts[0]}/${replies[0]}`,
          `${channel}/${posts[5]}/${replies[1]}`,
        ];
        return { team: team.id, channel, posts, replies, items };
      };
      type World = ReturnType<typeof build>;
      const mutate = (world: World) => {
        h.sandbox.teams.editMessage(world.posts[1]!, { body: '<p>edited</p>' });
        h.sandbox.teams.react(world.posts[2]!, { userId: bianca, reactionType: 'heart' });
        h.sandbox.teams.softDeleteMessage(world.posts[3]!);
        h.sandbox.teams.softDeleteMessage(world.replies[1]!);
        const added = post(world.team, world.channel, '<p>new</p>');
        const answered = reply(world.team, world.channel, world.posts[0]!, '<p>r2</p>');
        return [`${world.channel}/${added}`, `${world.channel}/${world.posts[0]}/${answered}`];
      };
      const expectedAfter = (world: World, added: string[]) =>
        [
          ...world.items.filter(
            (id) =>
              id !== `${world.channel}/${world.posts[3]}` &&
              id !== `${world.channel}/${world.posts[5]}/${world.replies[1]}`,
          ),
          ...added,
        ].sort();
      const locationOf = (world: World) => ({ teamId: world.team, channelId: world.channel });

      // Crawl.
      const probeWorld = build();
      const probe = await register('teams_channel', locationOf(probeWorld));
      let points = 0;
      const since = Date.now();
      await h.syncer(() => void points++).run(probe);
      expect(points).toBeGreaterThan(5);
      // Multi-page: the seed reads delta over more than one page (the sandbox's 20 a page).
      const deltaReads = (await h.sandbox.control.requestLog()).filter(
        (entry) =>
          entry.time >= since && entry.path.includes(probeWorld.team) && entry.path.endsWith('/messages/delta'),
      );
      expect(deltaReads.length).toBeGreaterThan(1);
      for (let k = 1; k <= points; k++) {
        const world = build();
        const key = await register('teams_channel', locationOf(world));
        const crash = crashAt(k);
        await runUntilSynced(h, key, crash.hook);
        expect(crash.hit()).toBe(true);
        const events = await h.allEvents(key.kbId);
        expect([...hostView(events).keys()].sort(), `crawl, crash at point ${k}`).toEqual([...world.items].sort());
        expectRepeatsShareIds(events);
      }

      // Incremental.
      const probeAdded = mutate(probeWorld);
      let incrementalPoints = 0;
      await h.syncer(() => void incrementalPoints++).run(probe);
      expect([...hostView(await h.allEvents(probe.kbId)).keys()].sort()).toEqual(expectedAfter(probeWorld, probeAdded));
      expect(incrementalPoints).toBeGreaterThan(1);
      for (let k = 1; k <= incrementalPoints; k++) {
        const world = build();
        const key = await register('teams_channel', locationOf(world));
        await runUntilSynced(h, key);
        const added = mutate(world);
        const crash = crashAt(k);
        await runUntilSynced(h, key, crash.hook);
        expect(crash.hit()).toBe(true);
        const events = await h.allEvents(key.kbId);
        expect([...hostView(events).keys()].sort(), `incremental, crash at point ${k}`).toEqual(
          expectedAfter(world, added),
        );
        expectRepeatsShareIds(events);
      }
    });
  });
}

async function readAll(body: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
