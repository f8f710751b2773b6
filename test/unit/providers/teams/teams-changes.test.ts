// The Teams provider's requests and pages against a scripted Graph (until the sandbox's Teams module
// lands): what each cursor asks for, in which order, and what its pages say. Answers follow the
// documented wire format (chatmessage-delta, channel-list-messages, chatmessage-list-replies,
// chat-list-messages, channel-list).
import { describe, expect, it } from 'vitest';
import { CursorExpiredError, NotFoundError, PermanentSourceError } from '../../../../shared/core/domain/errors.js';
import type { SourceRecord } from '../../../../shared/core/domain/source.js';
import type { GraphCall, GraphTransport } from '../../../../shared/providers/microsoft/graph/graph-transport.js';
import { failureFrom } from '../../../../shared/providers/microsoft/graph/graph-transport.js';
import type { FailureTarget } from '../../../../shared/providers/microsoft/graph/graph-failure.js';
import { fetchChannelPage } from '../../../../shared/providers/microsoft/teams/channel-changes.js';
import { fetchChatPage } from '../../../../shared/providers/microsoft/teams/chat-changes.js';
import { downloadMessageHtml } from '../../../../shared/providers/microsoft/teams/teams-content.js';
import { decodeChannelCursor, decodeChatCursor } from '../../../../shared/providers/microsoft/teams/teams-cursor.js';
import {
  fetchDiscoveryPage,
  resolveTeamsLocation,
} from '../../../../shared/providers/microsoft/teams/teams-discovery.js';
import { TeamsProvider } from '../../../../shared/providers/microsoft/teams/teams-provider.js';
import { TeamsWatch } from '../../../../shared/providers/microsoft/teams/teams-watch.js';

const ORIGIN = 'https://graph.test';
const TEAM = '02bd9fd6-8f93-4758-87c3-1fb73740a315';
const CHANNEL = '19:09fc54a3141a45d0bc769cf506d2e079@thread.tacv2';
const CHAT = '19:2da4c29f6d7041eca70b638b43d45437@thread.v2';

type Answer = { status?: number; body?: unknown };

/** A Graph that answers scripted URLs (each once, in order) and records every request. */
class ScriptedGraph {
  readonly calls: GraphCall[] = [];
  private readonly script = new Map<string, Answer[]>();
  readonly graphOrigin = ORIGIN;

  on(url: string, ...answers: Answer[]): this {
    this.script.set(url, [...(this.script.get(url) ?? []), ...answers]);
    return this;
  }

  isGraphUrl(url: string): boolean {
    return url.startsWith(`${ORIGIN}/`);
  }

  send(_source: unknown, call: GraphCall): Promise<Response> {
    this.calls.push(call);
    const answer = this.script.get(call.url)?.shift();
    if (!answer) return Promise.resolve(json(404, { error: { code: 'NotFound' } }));
    return Promise.resolve(json(answer.status ?? 200, answer.body ?? {}));
  }

  async sendOk(source: unknown, call: GraphCall, target: FailureTarget): Promise<Response> {
    const response = await this.send(source, call);
    if (!response.ok) throw await failureFrom(response, target);
    return response;
  }

  urls(): string[] {
    return this.calls.map((call) => call.url);
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function sourceOf(resolvedLocation: Record<string, unknown>, cursors: string[] = []): SourceRecord {
  return {
    kbId: 'kb',
    sourceId: 's',
    type: 'teams_channel',
    location: {},
    resolvedLocation,
    cursors: Object.fromEntries(cursors.map((name) => [name, {}])),
  } as unknown as SourceRecord;
}

const message = (id: string, modified: string, extra: Record<string, unknown> = {}) => ({
  id,
  replyToId: null,
  etag: id,
  messageType: 'message',
  createdDateTime: modified,
  lastModifiedDateTime: modified,
  lastEditedDateTime: null,
  deletedDateTime: null,
  subject: null,
  from: { user: { id: 'u1', displayName: 'Robin' } },
  body: { contentType: 'html', content: `<p>${id}</p>` },
  attachments: [],
  mentions: [],
  reactions: [],
  ...extra,
});

const base = `/teams/${TEAM}/channels/${CHANNEL}`;
const listUrl = `${base}/messages?$top=50`;
const deltaUrl = `${base}/messages/delta`;
const repliesUrl = (postId: string) => `${base}/messages/${postId}/replies?$top=50`;

describe('a channel cursor', () => {
  const source = sourceOf({ teamId: TEAM, channelId: CHANNEL, displayName: 'General' });
  const cursorName = `channel:${CHANNEL}`;
  const now = () => Date.parse('2026-12-01T12:00:00Z');
  /** The cursor after the list of an empty channel: the seed of its delta. */
  const seedCursor = async () =>
    (
      await fetchChannelPage(
        new ScriptedGraph().on(listUrl, { body: { value: [] } }),
        source,
        CHANNEL,
        cursorName,
        undefined,
        now,
      )
    ).nextCursor;

  it('lists every root post with its replies first, then seeds delta, then follows the deltaLink', async () => {
    const graph = new ScriptedGraph()
      .on(listUrl, {
        body: {
          value: [message('100', '2025-01-01T00:00:00Z'), message('200', '2026-11-30T00:00:00Z')],
          '@odata.nextLink': `${ORIGIN}/v1.0${base}/messages?$top=50&$skiptoken=p2`,
        },
      })
      .on(repliesUrl('100'), { body: { value: [message('101', '2025-01-02T00:00:00Z', { replyToId: '100' })] } })
      .on(repliesUrl('200'), { body: { value: [] } })
      .on(`${ORIGIN}/v1.0${base}/messages?$top=50&$skiptoken=p2`, {
        body: { value: [message('300', '2024-01-01T00:00:00Z')] },
      })
      .on(repliesUrl('300'), { body: { value: [] } });

    const first = await fetchChannelPage(graph, source, CHANNEL, cursorName, undefined, now);
    expect(first.items.map((item) => item.id)).toEqual([
      cursorName,
      `${CHANNEL}/100`,
      `${CHANNEL}/100/101`,
      `${CHANNEL}/200`,
    ]);
    expect(first.items[0]).toMatchObject({ isFolder: true, name: 'General' });
    expect(decodeChannelCursor(first.nextCursor!)).toMatchObject({ phase: 'list' });

    const second = await fetchChannelPage(graph, source, CHANNEL, cursorName, first.nextCursor, now);
    expect(second.items.map((item) => item.id)).toEqual([`${CHANNEL}/300`]);
    const seed = decodeChannelCursor(second.nextCursor!);
    expect(seed).toMatchObject({ phase: 'seed', link: deltaUrl, since: '2026-12-01T12:00:00.000Z' });
    expect(graph.urls()).toEqual([
      listUrl,
      repliesUrl('100'),
      repliesUrl('200'),
      `${ORIGIN}/v1.0${base}/messages?$top=50&$skiptoken=p2`,
      repliesUrl('300'),
    ]);

    // The seed: delta from the start; only a post changed since the list began gets its replies again.
    const deltaLink = `${ORIGIN}/v1.0${base}/messages/delta?$deltatoken=d1`;
    graph
      .on(deltaUrl, {
        body: {
          value: [message('200', '2026-11-30T00:00:00Z'), message('400', '2026-12-01T12:30:00Z')],
          '@odata.deltaLink': deltaLink,
        },
      })
      .on(repliesUrl('400'), { body: { value: [message('401', '2026-12-01T12:31:00Z', { replyToId: '400' })] } });
    const third = await fetchChannelPage(graph, source, CHANNEL, cursorName, second.nextCursor, now);
    expect(graph.urls().slice(5)).toEqual([deltaUrl, repliesUrl('400')]);
    expect(third.items.map((item) => item.id)).toEqual([`${CHANNEL}/200`, `${CHANNEL}/400`, `${CHANNEL}/400/401`]);
    const final = decodeChannelCursor(third.finalCursor!);
    expect(final).toMatchObject({ phase: 'delta', link: deltaLink });
    expect(final?.recent.map(([id]) => id)).toContain('400');

    // A pass: the reported post's replies, and those of the recent thread delta did not report.
    graph
      .on(deltaLink, {
        body: {
          value: [message('200', '2026-12-01T13:00:00Z', { lastEditedDateTime: '2026-12-01T13:00:00Z' })],
          '@odata.deltaLink': `${deltaLink}2`,
        },
      })
      .on(repliesUrl('200'), { body: { value: [] } })
      .on(repliesUrl('400'), {
        body: { value: [message('402', '2026-12-01T13:05:00Z', { replyToId: '400' })] },
      });
    const fourth = await fetchChannelPage(graph, source, CHANNEL, cursorName, third.finalCursor, now);
    expect(graph.urls().slice(7)).toEqual([deltaLink, repliesUrl('200'), repliesUrl('400')]);
    expect(fourth.items.map((item) => item.id)).toEqual([`${CHANNEL}/200`, `${CHANNEL}/400/402`]);
  });

  it('reports a deleted post (deletedDateTime) as a delete, without asking for its replies', async () => {
    const cursor = await seedCursor();
    const graph = new ScriptedGraph().on(deltaUrl, {
      body: {
        value: [message('500', '2026-12-01T12:10:00Z', { deletedDateTime: '2026-12-01T12:10:00Z' })],
        '@odata.deltaLink': `${ORIGIN}/d`,
      },
    });
    const page = await fetchChannelPage(graph, source, CHANNEL, cursorName, cursor, now);
    expect(page.items).toEqual([
      { id: `${CHANNEL}/500`, kind: 'message', isFolder: false, isRoot: false, deleted: true },
    ]);
    expect(graph.urls()).toEqual([deltaUrl]);
  });

  it('turns an expired delta token (410) into CursorExpiredError so the engine reconciles the channel', async () => {
    const graph = new ScriptedGraph().on(deltaUrl, { status: 410, body: { error: { code: 'resyncRequired' } } });
    const seed = await seedCursor();
    await expect(fetchChannelPage(graph, source, CHANNEL, cursorName, seed, now)).rejects.toBeInstanceOf(
      CursorExpiredError,
    );
  });

  it('refuses a cursor it did not write, and a link to another host, by starting over', async () => {
    const graph = new ScriptedGraph();
    await expect(
      fetchChannelPage(graph, source, CHANNEL, cursorName, 'https://evil.test/steal', now),
    ).rejects.toBeInstanceOf(CursorExpiredError);
    const foreign = Buffer.from(
      JSON.stringify({ v: 1, phase: 'delta', link: 'https://evil.test/x', recent: [] }),
    ).toString('base64url');
    await expect(fetchChannelPage(graph, source, CHANNEL, cursorName, foreign, now)).rejects.toBeInstanceOf(
      CursorExpiredError,
    );
    expect(graph.calls).toEqual([]);
  });

  it('retires the cursor of a channel that is gone from a team source; a one-channel source fails', async () => {
    const team = sourceOf({ teamId: TEAM }, [cursorName]);
    const page = await fetchChannelPage(new ScriptedGraph(), team, CHANNEL, cursorName, undefined, now);
    expect(page).toMatchObject({
      cursorsRemoved: [cursorName],
      items: [{ id: cursorName, deleted: true, isFolder: true }],
    });
    await expect(
      fetchChannelPage(new ScriptedGraph(), source, CHANNEL, cursorName, undefined, now),
    ).rejects.toBeInstanceOf(PermanentSourceError);
  });
});

describe('a chat cursor', () => {
  const source = sourceOf({ chatId: CHAT, displayName: 'Launch' });
  const cursorName = `chat:${CHAT}`;
  const firstUrl = `/chats/${CHAT}/messages?$top=50&$orderby=lastModifiedDateTime%20desc`;

  it('lists the whole chat first, then asks only for changes after the mark less the overlap', async () => {
    const next = `${ORIGIN}/v1.0/chats/${CHAT}/messages?$skiptoken=p2`;
    const graph = new ScriptedGraph()
      .on(firstUrl, {
        body: {
          value: [message('3', '2026-12-01T11:00:00Z'), message('2', '2026-12-01T10:00:00Z')],
          '@odata.nextLink': next,
        },
      })
      .on(next, { body: { value: [message('1', '2026-11-01T10:00:00Z')] } });
    const first = await fetchChatPage(graph, source, CHAT, cursorName, undefined);
    expect(first.items.map((item) => item.id)).toEqual([cursorName, `${CHAT}/3`, `${CHAT}/2`]);
    expect(decodeChatCursor(first.nextCursor!)).toEqual({ v: 1, hw: null, link: next, top: '2026-12-01T11:00:00Z' });
    const second = await fetchChatPage(graph, source, CHAT, cursorName, first.nextCursor);
    expect(decodeChatCursor(second.finalCursor!)).toEqual({ v: 1, hw: '2026-12-01T11:00:00Z' });

    const filtered = `${firstUrl}&$filter=lastModifiedDateTime%20gt%202026-12-01T10%3A55%3A00.000Z`;
    graph.on(filtered, { body: { value: [message('3', '2026-12-01T11:00:00Z')] } });
    const third = await fetchChatPage(graph, source, CHAT, cursorName, second.finalCursor);
    expect(graph.urls()).toEqual([firstUrl, next, filtered]);
    expect(third.items.map((item) => item.id)).toEqual([`${CHAT}/3`]);
    expect(decodeChatCursor(third.finalCursor!)).toEqual({ v: 1, hw: '2026-12-01T11:00:00Z' });
  });

  it('turns an expired nextLink into CursorExpiredError with a full restart (a reconcile must see the whole chat)', async () => {
    const link = `${ORIGIN}/v1.0/chats/${CHAT}/messages?$skiptoken=old`;
    const cursor = Buffer.from(JSON.stringify({ v: 1, hw: '2026-12-01T11:00:00Z', link })).toString('base64url');
    const graph = new ScriptedGraph().on(link, { status: 410, body: { error: { code: 'syncStateNotFound' } } });
    const error = await fetchChatPage(graph, source, CHAT, cursorName, cursor).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CursorExpiredError);
    expect((error as CursorExpiredError).restartCursor).toBeUndefined();
  });
});

describe('resolving a location', () => {
  const key = { kbId: 'kb', sourceId: 's' };

  it('keeps the channel’s name, checks a user’s chats without reading the user, and says NotFound for a missing chat', async () => {
    const graph = new ScriptedGraph()
      .on(`${base}?$select=id,displayName,webUrl`, { body: { id: CHANNEL, displayName: 'General' } })
      .on('/users/megan%40contoso.com/chats?$top=1', { body: { value: [] } });
    expect(await resolveTeamsLocation(graph, key, { teamId: TEAM, channelId: CHANNEL })).toEqual({
      teamId: TEAM,
      channelId: CHANNEL,
      displayName: 'General',
    });
    expect(await resolveTeamsLocation(graph, key, { userId: 'megan@contoso.com', allChats: true })).toEqual({
      userId: 'megan@contoso.com',
    });
    await expect(resolveTeamsLocation(graph, key, { chatId: CHAT })).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('discovery of every channel', () => {
  it('announces new channels, retires gone ones and gives their folder items', async () => {
    const A = '19:aaaa@thread.tacv2';
    const B = '19:bbbb@thread.tacv2';
    const C = '19:cccc@thread.tacv2';
    const graph = new ScriptedGraph().on(`/teams/${TEAM}/channels?$select=id,displayName,webUrl`, {
      body: {
        value: [
          { id: A, displayName: 'General' },
          { id: B, displayName: 'Design' },
        ],
      },
    });
    const page = await fetchDiscoveryPage(
      graph,
      sourceOf({ teamId: TEAM }, [`channel:${A}`, `channel:${C}`]),
      'channels',
    );
    expect(page.cursorsAdded).toEqual([`channel:${B}`]);
    expect(page.cursorsRemoved).toEqual([`channel:${C}`]);
    expect(page.items.map((item) => [item.id, item.deleted, item.name])).toEqual([
      [`channel:${A}`, false, 'General'],
      [`channel:${B}`, false, 'Design'],
      [`channel:${C}`, true, undefined],
    ]);
    expect(page.finalCursor).toBeDefined();
  });
});

describe('content and the provider', () => {
  it('serves a reply’s HTML body as text/html, read from its replies path', async () => {
    const url = `${base}/messages/100/replies/101`;
    const graph = new ScriptedGraph().on(url, { body: message('101', '2026-12-01T10:00:00Z', { replyToId: '100' }) });
    const answer = await downloadMessageHtml(
      graph,
      sourceOf({ teamId: TEAM, channelId: CHANNEL }),
      `${CHANNEL}/100/101`,
      {},
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    const chunks: Buffer[] = [];
    for await (const chunk of answer.body!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe('<p>101</p>');
    expect(graph.urls()).toEqual([url]);
  });

  it('names the discovery cursor first for every channel, one cursor for one chat', () => {
    const graph = new ScriptedGraph();
    const watch = {} as TeamsWatch;
    const channels = new TeamsProvider('teams_channel', graph, watch);
    expect(channels.cursorNames(sourceOf({ teamId: TEAM }, ['channel:19:a@thread.tacv2', 'messages:x']))).toEqual([
      'channels',
      'channel:19:a@thread.tacv2',
    ]);
    const chats = new TeamsProvider('teams_chat', graph, watch);
    expect(chats.cursorNames(sourceOf({ chatId: CHAT }))).toEqual([`chat:${CHAT}`]);
  });
});

describe('the Teams watch', () => {
  const created = { id: 'sub-1', expirationDateTime: '2026-12-04T12:00:00Z' };
  const request = {
    callbackUrl: 'https://kb.test/api/webhooks/graph',
    lifecycleUrl: 'https://kb.test/api/webhooks/graph/lifecycle',
    secret: 's3cret',
    expiresAt: '2026-12-04T12:00:00Z',
  };

  it('subscribes to a chat’s messages with a lifecycle URL, and passes resource-data fields through the seam', async () => {
    const graph = new ScriptedGraph().on(
      '/subscriptions',
      { status: 201, body: created },
      { status: 201, body: created },
    );
    const plain = new TeamsWatch(graph as unknown as GraphTransport, undefined);
    await plain.create(sourceOf({ chatId: CHAT }), request);
    expect(graph.calls[0]?.body).toEqual({
      changeType: 'created,updated,deleted',
      notificationUrl: request.callbackUrl,
      lifecycleNotificationUrl: request.lifecycleUrl,
      resource: `chats/${CHAT}/messages`,
      expirationDateTime: request.expiresAt,
      clientState: request.secret,
    });
    const rich = new TeamsWatch(graph as unknown as GraphTransport, undefined, 60, {
      currentCertificate: async () => ({ id: 'cert-1', certificateBase64: 'MIIB', expiresAt: new Date(0) }),
    });
    await rich.create(sourceOf({ teamId: TEAM, channelId: CHANNEL }), request);
    expect(graph.calls[1]?.body).toMatchObject({
      resource: `teams/${TEAM}/channels/${CHANNEL}/messages`,
      includeResourceData: true,
      encryptionCertificate: 'MIIB',
      encryptionCertificateId: 'cert-1',
    });
    expect(rich.policy.maxLifetimeMs(sourceOf({}))).toBe(60 * 60_000);
  });

  it('renews a rich subscription in place while its certificate is current, and asks for a new one after a rotation', async () => {
    const renewed = { id: 'sub-1', expirationDateTime: '2030-01-01T00:00:00Z' };
    const graph = new ScriptedGraph().on(
      '/subscriptions/sub-1',
      { status: 200, body: { ...renewed, encryptionCertificateId: 'cert-1' } },
      { status: 200, body: { ...renewed, encryptionCertificateId: 'cert-1' } },
    );
    let currentId = 'cert-1';
    const watch = new TeamsWatch(graph as unknown as GraphTransport, undefined, 60, {
      currentCertificate: async () => ({ id: currentId, certificateBase64: 'MIIB', expiresAt: new Date(0) }),
    });
    await expect(watch.renew(sourceOf({ chatId: CHAT }), 'sub-1', renewed.expirationDateTime)).resolves.toEqual({
      watchId: 'sub-1',
      expiresAt: renewed.expirationDateTime,
    });
    currentId = 'cert-2';
    await expect(watch.renew(sourceOf({ chatId: CHAT }), 'sub-1', renewed.expirationDateTime)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('refuses to subscribe without a lifecycle URL (Graph requires one past an hour)', async () => {
    const graph = new ScriptedGraph();
    const watch = new TeamsWatch(graph as unknown as GraphTransport, undefined);
    await expect(watch.create(sourceOf({ chatId: CHAT }), { ...request, lifecycleUrl: undefined })).rejects.toThrow(
      /lifecycleNotificationUrl/,
    );
    expect(graph.calls).toEqual([]);
  });
});
