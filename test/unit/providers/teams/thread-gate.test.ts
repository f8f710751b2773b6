// The per-channel/chat pace (Teams: about one message read a second per channel or chat), with a fake clock.
import { describe, expect, it } from 'vitest';
import { GatedTransport } from '../../../../shared/providers/microsoft/graph/gated-transport.js';
import type { GraphCall, GraphTransport } from '../../../../shared/providers/microsoft/graph/graph-transport.js';
import { ThreadGate, threadKeyOf, type GateClock } from '../../../../shared/providers/microsoft/teams/thread-gate.js';

class FakeClock implements GateClock {
  at = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.at;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.at += ms;
    return Promise.resolve();
  }
}

const source = { kbId: 'kb', sourceId: 's' };
const CHANNEL = '19:09fc54a3141a45d0bc769cf506d2e079@thread.skype';
const CHAT = '19:2da4c29f6d7041eca70b638b43d45437@thread.v2';

describe('ThreadGate', () => {
  it('starts requests of one channel at least the interval apart, in order', async () => {
    const clock = new FakeClock();
    const gate = new ThreadGate(1_000, clock);
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3].map(async (n) => {
        await gate.acquire('channel:a');
        order.push(n);
      }),
    );
    // The first starts at once, each next one a full interval after the one before it.
    expect(clock.sleeps).toEqual([1_000, 1_000]);
    expect(clock.now()).toBe(2_000);
    expect(order).toEqual([1, 2, 3]);
  });

  it('does not make another channel or chat wait', async () => {
    const clock = new FakeClock();
    const gate = new ThreadGate(1_000, clock);
    await gate.acquire('channel:a');
    await gate.acquire('chat:b');
    expect(clock.sleeps).toEqual([]);
  });

  it('waits only what is left of the interval', async () => {
    const clock = new FakeClock();
    const gate = new ThreadGate(1_000, clock);
    await gate.acquire('chat:b');
    clock.at = 700;
    await gate.acquire('chat:b');
    expect(clock.sleeps).toEqual([300]);
    clock.at = 5_000;
    await gate.acquire('chat:b');
    expect(clock.sleeps).toEqual([300]);
  });

  it('keys a request by the channel or chat whose messages it reads, links included', () => {
    const get = (url: string) => threadKeyOf(source, { method: 'GET', url });
    expect(get(`/teams/t/channels/${CHANNEL}/messages/delta`)).toBe(`channel:${CHANNEL}`);
    expect(get(`https://graph.microsoft.com/v1.0/teams/t/channels/${CHANNEL}/messages/delta?$skiptoken=x`)).toBe(
      `channel:${CHANNEL}`,
    );
    expect(get(`/teams/t/channels/${CHANNEL}/messages/1/replies?$top=50`)).toBe(`channel:${CHANNEL}`);
    expect(get(`/chats/${encodeURIComponent(CHAT)}/messages?$top=50`)).toBe(`chat:${CHAT}`);
    expect(get('/teams/t/channels?$select=id')).toBeUndefined();
    expect(get('/users/u/chats?$select=id')).toBeUndefined();
  });

  it('paces Graph calls through the gated transport by the thread they read, and lets others pass', async () => {
    const clock = new FakeClock();
    const sent: [string, number][] = [];
    const graph = {
      graphOrigin: 'https://graph.test',
      isGraphUrl: () => true,
      send: (_source: unknown, call: GraphCall) => {
        sent.push([call.url, clock.now()]);
        return Promise.resolve(new Response('{"value":[]}', { status: 200 }));
      },
    } as unknown as GraphTransport;
    const transport = new GatedTransport(graph, new ThreadGate(1_000, clock), threadKeyOf);
    const read = async (url: string) => (await transport.send(source, { method: 'GET', url }, 'x')).text();
    await read(`/chats/${CHAT}/messages?$top=50`);
    await read('/users/u/chats?$top=50');
    await read(`/chats/${CHAT}/messages?$top=50&$skiptoken=2`);
    expect(sent.map(([, at]) => at)).toEqual([0, 0, 1_000]);
  });
});
