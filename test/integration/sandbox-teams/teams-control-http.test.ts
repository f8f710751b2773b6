// The Teams control API over HTTP (/_sandbox/teams/…), as another process (npm start, the Teams
// provider's tests) drives it: zod-checked bodies (400 invalidInput), 404 for unknown ids, and each
// call visible through Graph afterwards.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { graphGet, request } from '../sandbox/sandbox-test-kit.js';
import { chatMessageSchema, collectionSchema, useTeamsSandbox } from './teams-test-kit.js';

describe('Teams control over HTTP', () => {
  const f = useTeamsSandbox();
  const call = (method: string, path: string, body?: unknown) =>
    request(`${f.sandbox.baseUrl}/_sandbox/teams${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const idOf = (result: { status: number; body: unknown; text: string }) => {
    if (result.status !== 201) throw new Error(`control answered ${result.status}: ${result.text}`);
    return z.object({ id: z.string() }).passthrough().parse(result.body).id;
  };

  it('creates a team, channel and chat; posts, replies, edits, reacts and soft-deletes', async () => {
    const team = z
      .object({ id: z.string(), generalChannelId: z.string() })
      .parse((await call('POST', '/teams', { displayName: 'HTTP team', memberIds: [f.adele, f.bianca] })).body);
    const channelId = idOf(await call('POST', `/teams/${team.id}/channels`, { displayName: 'Ops' }));
    const chatId = idOf(await call('POST', '/chats', { chatType: 'oneOnOne', memberIds: [f.adele, f.bianca] }));
    const base = `/teams/${team.id}/channels/${encodeURIComponent(channelId)}/messages`;
    const postId = idOf(await call('POST', base, { fromUserId: f.adele, body: '<p>hi</p>' }));
    const replyId = idOf(await call('POST', `${base}/${postId}/replies`, { fromUserId: f.bianca, body: '<p>yo</p>' }));
    const chatMessageId = idOf(
      await call('POST', `/chats/${encodeURIComponent(chatId)}/messages`, { fromUserId: f.bianca, body: '<p>dm</p>' }),
    );
    expect((await call('PATCH', `/messages/${postId}`, { body: '<p>hi!</p>' })).status).toBe(204);
    expect(
      (await call('POST', `/messages/${postId}/reactions`, { userId: f.bianca, reactionType: 'laugh' })).status,
    ).toBe(204);
    expect((await call('DELETE', `/messages/${replyId}`)).status).toBe(204);

    const graphChannel = `${f.sandbox.graphBaseUrl}/teams/${team.id}/channels/${encodeURIComponent(channelId)}/messages`;
    const post = chatMessageSchema.parse((await graphGet(`${graphChannel}/${postId}`, f.token)).body);
    expect(post.body.content).toBe('<p>hi!</p>');
    expect(post.reactions.map((r) => r.reactionType)).toEqual(['laugh']);
    const replies = collectionSchema.parse((await graphGet(`${graphChannel}/${postId}/replies`, f.token)).body);
    expect(replies.value[0]!.deletedDateTime).not.toBeNull();
    const chat = collectionSchema.parse(
      (await graphGet(`${f.sandbox.graphBaseUrl}/chats/${encodeURIComponent(chatId)}/messages`, f.token)).body,
    );
    expect(chat.value.map((m) => m.id)).toEqual([chatMessageId]);
  });

  it('refuses malformed bodies and unknown ids; moves the clock; sets throttling and app roles', async () => {
    expect((await call('POST', '/teams', { displayName: 'x' })).status).toBe(400);
    expect((await call('POST', '/teams', { displayName: 'x', memberIds: [f.adele], extra: 1 })).status).toBe(400);
    expect(
      (await call('POST', '/chats', { chatType: 'oneOnOne', memberIds: [f.adele, f.bianca, f.adele] })).status,
    ).toBe(400);
    expect((await call('PATCH', '/messages/123', { body: 'x' })).status).toBe(404);
    expect((await call('POST', '/teams/nope/channels', { displayName: 'x' })).status).toBe(404);
    const before = await f.sandbox.control.now();
    expect((await call('POST', '/clock/advance', { ms: 3_600_000 })).status).toBe(204);
    expect((await f.sandbox.control.now()) - before).toBeGreaterThanOrEqual(3_600_000);
    expect((await call('PATCH', '/throttling', { perTeamOrChannelPerWindow: 0 })).status).toBe(400);
    expect((await call('PATCH', '/throttling', { windowMs: 60_000, chatMessageGetsPerWindow: 1 })).status).toBe(204);
    expect((await call('PUT', `/apps/${f.sandbox.clientId}/roles`, { roles: [] })).status).toBe(204);
    expect(f.sandbox.teams.appRoles(f.sandbox.clientId)).toEqual([]);
    expect((await call('POST', '/subscriptions/unknown/lifecycle', { event: 'missed' })).status).toBe(404);
  });
});
