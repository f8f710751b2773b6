// Applies one folded change of the feed to the sink (docs/open-webui.md, "What is applied how"):
//
// - a repeat (its eventId is among the item's recent ones) is dropped;
// - delete: the item's file leaves the collection (and is deleted), an upload pending attach is
//   discarded;
// - upsert whose bytes the collection already holds (no content change, or the same content hash):
//   a rename when the name differs, else nothing;
// - upsert with new bytes (or an item the collection does not hold): download through the same use
//   case as the content route, upload, record the upload as pending, wait until the sink processed it,
//   take the old file out, attach the new one, record it.
//
// The pending record is what makes a crash between upload and attach harmless: the page is read
// again (the cursor did not move), the item's event is the same, and the recorded file is attached
// instead of uploading again; if the item's newest event is another one by then, the recorded file is
// discarded. A sink refusal of one item (unsupported type, too large, not processed, duplicate
// content) is recorded on the item and the run goes on; 401 stops the connector (SinkError.stopsConnector).
import type { ChangeEvent } from '../domain/change-event.js';
import type { ConnectorItemRepository, KbSink, SinkFile } from '../ports/connector-ports.js';
import { SinkError } from '../ports/connector-ports.js';
import { rememberEvent, type ConnectorItem } from './connector-record.js';
import type { FoldedChange } from './fold-page.js';

/** Points of a run a test can crash at (the fault hook throws). */
export type ConnectorFaultPoint = 'after-upload' | 'after-pending-recorded' | 'after-old-removed' | 'after-attach';
export type ConnectorFaultHook = (point: ConnectorFaultPoint, event: ChangeEvent) => void | Promise<void>;

/** The item's bytes, read through the content use case (core/sources/item-content.ts). */
export type ContentReader = (event: ChangeEvent) => Promise<{ bytes: Buffer; contentType: string } | undefined>;

export interface ApplyChangeDeps {
  items: ConnectorItemRepository;
  sink: KbSink;
  readContent: ContentReader;
  kbId: string;
  type: string;
  now: () => Date;
  faults?: ConnectorFaultHook;
}

export type ApplyOutcome = 'repeat' | 'deleted' | 'renamed' | 'unchanged' | 'uploaded' | 'replaced' | 'failed';

function contentHashOf(event: ChangeEvent): string | undefined {
  return event.contentHash ? `${event.contentHash.algorithm}:${event.contentHash.value}` : undefined;
}

function fileNameOf(event: ChangeEvent): string {
  return event.name ?? event.path?.split('/').pop() ?? event.itemId;
}

export async function applyChange(deps: ApplyChangeDeps, change: FoldedChange): Promise<ApplyOutcome> {
  const { event } = change;
  const stored = await deps.items.get(deps.kbId, deps.type, event.sourceId, event.itemId);
  const row: ConnectorItem = stored ?? { sourceId: event.sourceId, itemId: event.itemId, recentEventIds: [] };
  if (row.recentEventIds.includes(event.eventId)) return 'repeat';
  const put = (item: ConnectorItem) => deps.items.put(deps.kbId, deps.type, item);
  const applied = (item: ConnectorItem): ConnectorItem => {
    let recent = item.recentEventIds;
    for (const id of [...change.foldedEventIds, event.eventId]) recent = rememberEvent(recent, id);
    return { ...item, recentEventIds: recent };
  };

  if (event.op === 'delete') {
    if (row.pendingFileId) await deps.sink.discard(row.pendingFileId);
    if (row.fileId) await deps.sink.detach(row.fileId);
    await put(
      applied({
        sourceId: row.sourceId,
        itemId: row.itemId,
        recentEventIds: row.recentEventIds,
        deleted: true,
      }),
    );
    return 'deleted';
  }

  const name = fileNameOf(event);
  const hash = contentHashOf(event);
  const holdsBytes =
    row.fileId !== undefined && (!change.contentChanged || (hash !== undefined && hash === row.contentHash));
  if (holdsBytes && row.fileId) {
    if (row.name === name) {
      await put(applied({ ...row, deleted: undefined, failure: undefined }));
      return 'unchanged';
    }
    if ((await deps.sink.rename(row.fileId, name)) === 'renamed') {
      await put(applied({ ...row, name, deleted: undefined, failure: undefined }));
      return 'renamed';
    }
    // The file went away behind our back: upload it again below.
    row.fileId = undefined;
  }

  let current: ConnectorItem = { ...row, deleted: undefined };
  try {
    if (current.pendingFileId && current.pendingEventId !== event.eventId) {
      // Uploaded for an older event of the item (a crashed run): not what the item is now.
      await deps.sink.discard(current.pendingFileId);
      current = { ...current, pendingFileId: undefined, pendingEventId: undefined };
      await put(current);
    }
    if (!current.pendingFileId) {
      const content = await deps.readContent(event);
      if (!content) throw new SinkError('content_unavailable', undefined, 'the source no longer serves this item');
      const file: SinkFile = { name, contentType: content.contentType, bytes: content.bytes };
      const fileId = await deps.sink.upload(file);
      await deps.faults?.('after-upload', event);
      current = { ...current, pendingFileId: fileId, pendingEventId: event.eventId };
      await put(current);
      await deps.faults?.('after-pending-recorded', event);
    }
    const pendingFileId = current.pendingFileId!;
    await deps.sink.waitReady(pendingFileId);
    const replaced = current.fileId !== undefined;
    if (current.fileId) {
      await deps.sink.detach(current.fileId);
      current = { ...current, fileId: undefined, contentHash: undefined };
      await put(current);
      await deps.faults?.('after-old-removed', event);
    }
    await deps.sink.attach(pendingFileId);
    await deps.faults?.('after-attach', event);
    await put(
      applied({
        ...current,
        fileId: pendingFileId,
        name,
        contentHash: hash,
        pendingFileId: undefined,
        pendingEventId: undefined,
        failure: undefined,
      }),
    );
    return replaced ? 'replaced' : 'uploaded';
  } catch (error) {
    if (!(error instanceof SinkError) || error.stopsConnector || error.kind === 'transient') throw error;
    if (current.pendingFileId) await deps.sink.discard(current.pendingFileId);
    await put(
      applied({
        ...current,
        name: current.fileId ? current.name : name,
        pendingFileId: undefined,
        pendingEventId: undefined,
        failure: {
          kind: error.kind,
          ...(error.status === undefined ? {} : { status: error.status }),
          detail: error.detail,
          eventId: event.eventId,
          at: deps.now().toISOString(),
        },
      }),
    );
    return 'failed';
  }
}
