// Turns item states into feed events (the only place that shapes an event).
import { deriveEventId, EVENT_SCHEMA_VERSION, v1TopLevelHash, type ChangeEventBody } from '../domain/change-event.js';
import type { SourceKey } from '../domain/source.js';
import type { ItemState } from '../domain/item-state.js';

export function upsertEvent(source: SourceKey, item: ItemState, contentChanged: boolean): ChangeEventBody {
  return withId({
    schemaVersion: EVENT_SCHEMA_VERSION,
    kbId: source.kbId,
    sourceId: source.sourceId,
    itemId: item.id,
    kind: item.kind ?? 'file',
    op: 'upsert',
    contentChanged,
    name: item.name ?? null,
    path: item.path ?? null,
    mimeType: item.mimeType ?? null,
    size: item.size ?? null,
    eTag: item.eTag ?? null,
    quickXorHash: v1TopLevelHash(item.contentHash),
    contentHash: item.contentHash ?? null,
    lastModifiedDateTime: item.lastModifiedDateTime ?? null,
    webUrl: item.webUrl ?? null,
    ...(item.message ? { message: item.message } : {}),
  });
}

/** A delete carries what the host last saw (name and path), since deleted items arrive without them. */
export function deleteEvent(source: SourceKey, lastSeen: ItemState): ChangeEventBody {
  return withId({
    schemaVersion: EVENT_SCHEMA_VERSION,
    kbId: source.kbId,
    sourceId: source.sourceId,
    itemId: lastSeen.id,
    kind: lastSeen.kind ?? 'file',
    op: 'delete',
    contentChanged: false,
    name: lastSeen.name ?? null,
    path: lastSeen.path ?? null,
    mimeType: lastSeen.mimeType ?? null,
    size: null,
    eTag: lastSeen.eTag ?? null,
    quickXorHash: null,
    contentHash: null,
    lastModifiedDateTime: null,
    webUrl: null,
    ...(lastSeen.message ? { message: lastSeen.message } : {}),
  });
}

function withId(body: Omit<ChangeEventBody, 'eventId'>): ChangeEventBody {
  return { ...body, eventId: deriveEventId(body) };
}
