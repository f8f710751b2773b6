// How a Graph chatMessage becomes an item, and which of its changes are content changes: an edit is,
// a reaction is not, deletedDateTime is a delete; replies live beside their post, in its thread.
import { describe, expect, it } from 'vitest';
import type { RemoteItem } from '../../../../shared/core/domain/remote-item.js';
import {
  channelCursorOf,
  chatCursorOf,
  messageItemId,
  parseMessageItemId,
  teamsContentChanged,
  threadOfCursor,
  toTeamsItem,
} from '../../../../shared/providers/microsoft/teams/teams-mapping.js';
import { chatMessageSchema } from '../../../../shared/providers/microsoft/teams/teams-schemas.js';

const CHANNEL = '19:09fc54a3141a45d0bc769cf506d2e079@thread.skype';
const CHAT = '19:2da4c29f6d7041eca70b638b43d45437@thread.v2';

const post = chatMessageSchema.parse({
  id: '1616965872395',
  replyToId: null,
  etag: '1616965872395',
  messageType: 'message',
  createdDateTime: '2026-11-28T21:11:12.395Z',
  lastModifiedDateTime: '2026-11-28T21:11:12.395Z',
  lastEditedDateTime: null,
  deletedDateTime: null,
  subject: 'Release / plan',
  from: { user: { id: '8ea0e38b-efb3-4757-924a-5f94061cf8c2', displayName: 'Robin Kline' } },
  body: { contentType: 'html', content: '<p>Hello <at id="0">Megan</at></p>' },
  attachments: [],
  mentions: [{ id: 0, mentionText: 'Megan', mentioned: { user: { id: 'u-megan', displayName: 'Megan' } } }],
  reactions: [],
  webUrl: 'https://teams.microsoft.com/l/message/19%3A09fc/1616965872395',
});

const channelCursor = channelCursorOf(CHANNEL);
const asPost = (message: typeof post) =>
  toTeamsItem(message, channelCursor, { threadId: CHANNEL, messageId: message.id });
const facts = (item: RemoteItem) => ({ contentVersion: item.contentVersion });

describe('Teams message mapping', () => {
  it('maps a channel post below its channel, with thread, author, times, HTML and link', () => {
    const item = asPost(post);
    expect(item).toMatchObject({
      id: `${CHANNEL}/1616965872395`,
      kind: 'message',
      parentId: channelCursor,
      cursorName: channelCursor,
      isFolder: false,
      deleted: false,
      mimeType: 'text/html',
      name: 'Release ∕ plan 1616965872395.html',
      lastModifiedDateTime: '2026-11-28T21:11:12.395Z',
      webUrl: post.webUrl,
      message: {
        conversationId: `${CHANNEL}/1616965872395`,
        from: 'Robin Kline',
        subject: 'Release / plan',
        sentDateTime: '2026-11-28T21:11:12.395Z',
        hasAttachments: false,
      },
    });
  });

  it('maps a reply into its post’s thread, with an id that names post and reply', () => {
    const reply = chatMessageSchema.parse({ ...post, id: '1616966000000', replyToId: post.id, subject: null });
    const item = toTeamsItem(reply, channelCursor, { threadId: CHANNEL, messageId: post.id, replyId: reply.id });
    expect(item.id).toBe(`${CHANNEL}/${post.id}/${reply.id}`);
    expect(item.parentId).toBe(channelCursor);
    expect(item.message?.conversationId).toBe(`${CHANNEL}/${post.id}`);
    expect(parseMessageItemId(item.id)).toEqual({ threadId: CHANNEL, messageId: post.id, replyId: reply.id });
  });

  it('maps a chat message into the chat’s conversation', () => {
    const item = toTeamsItem(post, chatCursorOf(CHAT), { threadId: CHAT, messageId: post.id });
    expect(item.id).toBe(`${CHAT}/${post.id}`);
    expect(item.message?.conversationId).toBe(CHAT);
    expect(item.parentId).toBe(`chat:${CHAT}`);
  });

  it('counts an edit as a content change', () => {
    const edited = chatMessageSchema.parse({
      ...post,
      lastModifiedDateTime: '2026-11-29T08:00:00Z',
      lastEditedDateTime: '2026-11-29T08:00:00Z',
      body: { contentType: 'html', content: '<p>Hello again</p>' },
    });
    expect(teamsContentChanged(facts(asPost(post)), facts(asPost(edited)))).toBe(true);
    // An edit that leaves the text as it was still sets lastEditedDateTime.
    const touched = chatMessageSchema.parse({ ...post, lastEditedDateTime: '2026-11-29T08:00:00Z' });
    expect(teamsContentChanged(facts(asPost(post)), facts(asPost(touched)))).toBe(true);
  });

  it('does not count a reaction as a content change (it changes lastModifiedDateTime and the etag only)', () => {
    const reacted = chatMessageSchema.parse({
      ...post,
      etag: '1616969999999',
      lastModifiedDateTime: '2026-11-29T09:00:00Z',
      reactions: [{ reactionType: 'like', createdDateTime: '2026-11-29T09:00:00Z', user: { user: { id: 'u1' } } }],
    });
    const before = asPost(post);
    const after = asPost(reacted);
    expect(after.lastModifiedDateTime).not.toBe(before.lastModifiedDateTime);
    expect(teamsContentChanged(facts(before), facts(after))).toBe(false);
  });

  it('counts a new attachment or a changed mention as a content change', () => {
    const attached = chatMessageSchema.parse({
      ...post,
      attachments: [{ id: 'a1', contentType: 'reference', name: 'plan.docx', contentUrl: 'https://contoso/plan.docx' }],
    });
    expect(teamsContentChanged(facts(asPost(post)), facts(asPost(attached)))).toBe(true);
    expect(asPost(attached).message?.hasAttachments).toBe(true);
    const remention = chatMessageSchema.parse({ ...post, mentions: [] });
    expect(teamsContentChanged(facts(asPost(post)), facts(asPost(remention)))).toBe(true);
  });

  it('turns a message with deletedDateTime into a delete of the same item', () => {
    const deleted = chatMessageSchema.parse({
      ...post,
      deletedDateTime: '2026-11-30T10:00:00Z',
      body: { content: '' },
    });
    expect(asPost(deleted)).toEqual({
      id: `${CHANNEL}/${post.id}`,
      kind: 'message',
      isFolder: false,
      isRoot: false,
      deleted: true,
    });
  });

  it('refuses item ids and cursor names it did not make', () => {
    expect(parseMessageItemId('19:a@thread.v2/../x')).toBeUndefined();
    expect(parseMessageItemId('19:a@thread.v2/1/2/3')).toBeUndefined();
    expect(parseMessageItemId('nope/1')).toBeUndefined();
    expect(parseMessageItemId(messageItemId({ threadId: CHAT, messageId: '42' }))).toEqual({
      threadId: CHAT,
      messageId: '42',
    });
    expect(threadOfCursor(channelCursor)).toEqual({ kind: 'channel', id: CHANNEL });
    expect(threadOfCursor(`chat:${CHAT}`)).toEqual({ kind: 'chat', id: CHAT });
    expect(threadOfCursor('messages:inbox')).toBeUndefined();
    expect(threadOfCursor('chat:../x')).toBeUndefined();
  });

  it('refuses a Graph message whose id could add a URL segment', () => {
    expect(chatMessageSchema.safeParse({ ...post, id: '1/../2' }).success).toBe(false);
  });
});
