// The cursors of Teams enumerations (ours, versioned, parsed) and the chat high-water-mark rule.
import { describe, expect, it } from 'vitest';
import { nextHighWater } from '../../../../shared/providers/microsoft/teams/chat-changes.js';
import {
  CHAT_OVERLAP_MS,
  chatFilterAfter,
  decodeChannelCursor,
  decodeChatCursor,
  encodeCursor,
  laterOf,
} from '../../../../shared/providers/microsoft/teams/teams-cursor.js';

describe('Teams cursors', () => {
  it('round-trips a channel cursor and a chat cursor', () => {
    const channel = {
      v: 1 as const,
      phase: 'delta' as const,
      link: 'https://graph.microsoft.com/v1.0/teams/t/channels/c/messages/delta?$deltatoken=x',
      recent: [['1616965872395', '2026-11-28T21:11:12.395Z']] as [string, string][],
    };
    expect(decodeChannelCursor(encodeCursor(channel))).toEqual(channel);
    const chat = { v: 1 as const, hw: '2026-11-28T21:11:12.395Z' };
    expect(decodeChatCursor(encodeCursor(chat))).toEqual(chat);
  });

  it('refuses what it did not write: a raw Graph link, another shape, another version', () => {
    expect(decodeChannelCursor('https://graph.microsoft.com/v1.0/x')).toBeUndefined();
    expect(decodeChannelCursor(encodeCursor({ v: 1, hw: null }))).toBeUndefined();
    expect(decodeChatCursor(Buffer.from(JSON.stringify({ v: 2, hw: null })).toString('base64url'))).toBeUndefined();
    expect(decodeChatCursor('not base64 json')).toBeUndefined();
  });
});

describe('the chat high-water mark', () => {
  it('lists the whole chat when there is no mark yet', () => {
    expect(chatFilterAfter(null)).toBeUndefined();
  });

  it('asks for changes after the mark less the overlap, so nothing on the boundary is lost', () => {
    const mark = '2026-11-28T21:11:12.395Z';
    const after = chatFilterAfter(mark);
    expect(after).toBe(new Date(Date.parse(mark) - CHAT_OVERLAP_MS).toISOString());
    // The message exactly at the mark is after the bound (`gt` would drop it without the overlap).
    expect(Date.parse(mark)).toBeGreaterThan(Date.parse(after!));
    expect(CHAT_OVERLAP_MS).toBeGreaterThan(0);
  });

  it('moves the mark to the newest change seen, never back', () => {
    expect(nextHighWater(null, '2026-11-28T21:00:00Z')).toBe('2026-11-28T21:00:00Z');
    expect(nextHighWater('2026-11-28T21:00:00Z', '2026-11-28T22:00:00Z')).toBe('2026-11-28T22:00:00Z');
    // Only overlap messages seen: the mark stays.
    expect(nextHighWater('2026-11-28T21:00:00Z', '2026-11-28T20:58:00Z')).toBe('2026-11-28T21:00:00Z');
    expect(nextHighWater('2026-11-28T21:00:00Z', undefined)).toBe('2026-11-28T21:00:00Z');
    expect(nextHighWater(null, undefined)).toBeNull();
  });

  it('compares times as instants, not as strings', () => {
    // Same instant written two ways, and a later one with fewer digits.
    expect(laterOf('2026-11-28T21:00:00.5Z', '2026-11-28T21:00:01Z')).toBe('2026-11-28T21:00:01Z');
    expect(laterOf('not a time', '2026-11-28T21:00:01Z')).toBe('2026-11-28T21:00:01Z');
  });
});
