// A file upsert event body for tests that write the feed directly (the feed store, push to the host).
import { deriveEventId, type ChangeEventBody } from '../../shared/core/domain/change-event.js';

export function fileEventBody(kbId: string, sourceId: string, itemId: string): ChangeEventBody {
  const partial = {
    kbId,
    sourceId,
    itemId,
    op: 'upsert' as const,
    contentChanged: true,
    name: `${itemId}.txt`,
    path: `/${itemId}.txt`,
    mimeType: 'text/plain',
    size: 3,
    eTag: `"${itemId}"`,
    schemaVersion: 1 as const,
    kind: 'file' as const,
    quickXorHash: null,
    contentHash: null,
    lastModifiedDateTime: null,
    webUrl: null,
  };
  return { ...partial, eventId: deriveEventId(partial) };
}
