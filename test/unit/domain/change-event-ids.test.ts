// Event ids of drive events must not change with the event schema: a replay after an upgrade would
// otherwise write different ids for the same change and hosts could not drop the repeats. The
// expected ids are the ones the previous release (before events had kinds) derived for these events.
import { describe, expect, it } from 'vitest';
import type { ItemState } from '../../../shared/core/domain/item-state.js';
import { deleteEvent, upsertEvent } from '../../../shared/core/sync/event-builder.js';

const source = { kbId: 'kb', sourceId: 'src' };
const file: ItemState = {
  id: '01ABC',
  name: 'a.txt',
  path: '/Docs/a.txt',
  isFolder: false,
  isRoot: false,
  inScope: true,
  included: true,
  pending: false,
  mimeType: 'text/plain',
  size: 5,
  lastModifiedDateTime: '2026-01-01T00:00:00Z',
  webUrl: 'https://x.example/a.txt',
};

describe('event ids', () => {
  it('are what the previous release derived for drive events', () => {
    const hashed = { ...file, eTag: '"{E},2"', contentHash: { algorithm: 'quickXorHash', value: 'qx==' } };
    expect(upsertEvent(source, hashed, true).eventId).toBe('HYNqyKpez722ndg-l35jnup0QJXjbsIE');
    expect(upsertEvent(source, { ...file, eTag: '"{E},3"' }, false).eventId).toBe('aRwge8InDUoO4K5LcY_JT66seyg6SwZs');
    expect(deleteEvent(source, { ...hashed, eTag: '"{E},3"' }).eventId).toBe('dMhFkYM3d6Bj_ddOfy2Z0l4wlgoGnIiz');
  });

  it('keep the v1 fields of a drive event and add kind, contentHash and the schema version', () => {
    const event = upsertEvent(
      source,
      { ...file, eTag: '"{E},2"', contentHash: { algorithm: 'quickXorHash', value: 'qx==' } },
      true,
    );
    expect(event).toMatchObject({
      schemaVersion: 1,
      kind: 'file',
      quickXorHash: 'qx==',
      contentHash: { algorithm: 'quickXorHash', value: 'qx==' },
      eTag: '"{E},2"',
    });
    expect(event).not.toHaveProperty('message');
  });

  it('tell apart what only the new fields distinguish: another hash algorithm, a message', () => {
    const a = upsertEvent(source, { ...file, eTag: '1', contentHash: { algorithm: 'sha256', value: 'one' } }, true);
    const b = upsertEvent(source, { ...file, eTag: '1', contentHash: { algorithm: 'sha256', value: 'two' } }, true);
    expect(a.quickXorHash).toBeNull();
    expect(a.eventId).not.toBe(b.eventId);
    const message = upsertEvent(
      source,
      { ...file, eTag: '1', kind: 'message', message: { conversationId: 'general', from: 'alex' } },
      true,
    );
    expect(message.kind).toBe('message');
    expect(message.message).toEqual({ conversationId: 'general', from: 'alex' });
    expect(message.eventId).not.toBe(upsertEvent(source, { ...file, eTag: '1' }, true).eventId);
  });
});
