// Turns item states into feed events (the only place that shapes an event).
import { deriveEventId, type ChangeEventBody } from '../domain/change-event.js';
import type { SourceKey } from '../domain/source.js';
import type { ItemState } from '../domain/item-state.js';

export function upsertEvent(source: SourceKey, item: ItemState, contentChanged: boolean): ChangeEventBody {
  return withId({
    kbId: source.kbId,
    sourceId: source.sourceId,
    itemId: item.id,
    op: 'upsert',
    contentChanged,
    name: item.name ?? null,
    path: item.path ?? null,
    mimeType: item.mimeType ?? null,
    size: item.size ?? null,
    eTag: item.eTag ?? null,
    quickXorHash: item.quickXorHash ?? null,
    lastModifiedDateTime: item.lastModifiedDateTime ?? null,
    webUrl: item.webUrl ?? null,
  });
}

/** A delete carries what the host last saw (name and path), since deleted items arrive without them. */
export function deleteEvent(source: SourceKey, lastSeen: ItemState): ChangeEventBody {
  return withId({
    kbId: source.kbId,
    sourceId: source.sourceId,
    itemId: lastSeen.id,
    op: 'delete',
    contentChanged: false,
    name: lastSeen.name ?? null,
    path: lastSeen.path ?? null,
    mimeType: lastSeen.mimeType ?? null,
    size: null,
    eTag: lastSeen.eTag ?? null,
    quickXorHash: null,
    lastModifiedDateTime: null,
    webUrl: null,
  });
}

function withId(body: Omit<ChangeEventBody, 'eventId'>): ChangeEventBody {
  return { ...body, eventId: deriveEventId(body) };
}
