// The locations a host may register for Teams sources: each id held to Graph's alphabet for it, so no
// value can add, end or climb a URL segment.
import { describe, expect, it } from 'vitest';
import { registerSourceBodySchema } from '../../../../shared/app/provider-registry.js';
import {
  teamsChannelLocationSchema,
  teamsChatLocationSchema,
} from '../../../../shared/providers/microsoft/teams/teams-location.js';

const TEAM = '02bd9fd6-8f93-4758-87c3-1fb73740a315';
const CHANNEL = '19:09fc54a3141a45d0bc769cf506d2e079@thread.skype';
const CHAT = '19:2da4c29f6d7041eca70b638b43d45437@thread.v2';

describe('Teams locations', () => {
  it('accepts one channel, every channel, one chat and every chat of a user', () => {
    expect(teamsChannelLocationSchema.parse({ teamId: TEAM, channelId: CHANNEL })).toEqual({
      teamId: TEAM,
      channelId: CHANNEL,
    });
    expect(teamsChannelLocationSchema.parse({ teamId: TEAM, allChannels: true })).toEqual({
      teamId: TEAM,
      allChannels: true,
    });
    expect(teamsChatLocationSchema.parse({ chatId: CHAT })).toEqual({ chatId: CHAT });
    expect(
      teamsChatLocationSchema.parse({ chatId: '19:8b081ef6-4792-4def-b2c9-c363a1bf41d5_5031bb31@unq.gbl.spaces' }),
    ).toBeTruthy();
    expect(
      teamsChatLocationSchema.parse({
        chatId: '19:meeting_MjdhNjM4YzUtYzExZi00OTFkLTkzZTAtNTVlNmZmMDhkNGU2@thread.v2',
      }),
    ).toBeTruthy();
    expect(teamsChatLocationSchema.parse({ userId: 'megan@contoso.com', allChats: true })).toBeTruthy();
  });

  it.each([
    ['a team id that is not a GUID', { teamId: '..', channelId: CHANNEL }],
    ['a channel id with a slash', { teamId: TEAM, channelId: '19:abc/../x@thread.tacv2' }],
    ['a channel id with a query', { teamId: TEAM, channelId: '19:abc@thread.tacv2?$top=1' }],
    ['a channel id with an encoded slash', { teamId: TEAM, channelId: '19:abc%2F@thread.tacv2' }],
    ['a channel id that is not a thread id', { teamId: TEAM, channelId: 'general' }],
    ['allChannels false', { teamId: TEAM, allChannels: false }],
    ['a channel and allChannels at once', { teamId: TEAM, channelId: CHANNEL, allChannels: true }],
    ['an unknown field', { teamId: TEAM, channelId: CHANNEL, folder: 'x' }],
  ])('refuses %s for a channel source', (_label, location) => {
    expect(teamsChannelLocationSchema.safeParse(location).success).toBe(false);
  });

  it.each([
    ['a chat id with a slash', { chatId: '19:a/b@thread.v2' }],
    ['a chat id with a fragment', { chatId: '19:ab@thread.v2#x' }],
    ['a chat id of dots', { chatId: '..' }],
    ['a user id that climbs', { userId: '../me', allChats: true }],
    ['a user without allChats', { userId: 'megan@contoso.com' }],
    ['a chat and a user at once', { chatId: CHAT, userId: 'megan@contoso.com', allChats: true }],
  ])('refuses %s for a chat source', (_label, location) => {
    expect(teamsChatLocationSchema.safeParse(location).success).toBe(false);
  });

  it('is what the registration body takes for teams_channel and teams_chat', () => {
    expect(
      registerSourceBodySchema.parse({ type: 'teams_channel', location: { teamId: TEAM, channelId: CHANNEL } })
        .location,
    ).toEqual({ teamId: TEAM, channelId: CHANNEL });
    expect(registerSourceBodySchema.parse({ type: 'teams_chat', location: { chatId: CHAT } }).location).toEqual({
      chatId: CHAT,
    });
    expect(
      registerSourceBodySchema.safeParse({ type: 'teams_chat', location: { chatId: '19:a/b@thread.v2' } }).success,
    ).toBe(false);
    // A chat location is not a channel source's.
    expect(registerSourceBodySchema.safeParse({ type: 'teams_channel', location: { chatId: CHAT } }).success).toBe(
      false,
    );
  });
});
