// GET …/items/{itemId}/attachments and …/attachments/{attachmentId}/content: the files attached to an
// item the host was told about (a mail's attachments), listed and streamed from the provider. As for
// item content, only known and included items are served.
import type { SourceKey } from '../domain/source.js';
import type { ItemRepository } from '../ports/item-repository.js';
import type {
  AttachmentInfo,
  AttachmentSource,
  ContentRequest,
  ContentResponse,
  ProviderRegistry,
} from '../ports/provider-ports.js';
import type { SourceRepository } from '../ports/source-repository.js';
import type { SourceRecord } from '../domain/source.js';

export interface ItemAttachmentsDependencies {
  sources: Pick<SourceRepository, 'get'>;
  items: Pick<ItemRepository, 'get'>;
  providers: ProviderRegistry;
}

type NotFound = { kind: 'not_found'; what: string };
export type AttachmentListResult = { kind: 'list'; attachments: AttachmentInfo[] } | NotFound;
export type AttachmentContentResult = { kind: 'content'; response: ContentResponse } | NotFound;

export async function listItemAttachments(
  deps: ItemAttachmentsDependencies,
  key: SourceKey,
  itemId: string,
): Promise<AttachmentListResult> {
  const found = await servedItem(deps, key, itemId);
  if (found.kind === 'not_found') return found;
  return { kind: 'list', attachments: await found.attachments.list(found.source, itemId) };
}

export async function openAttachmentContent(
  deps: ItemAttachmentsDependencies,
  key: SourceKey,
  itemId: string,
  attachmentId: string,
  request: ContentRequest,
): Promise<AttachmentContentResult> {
  const found = await servedItem(deps, key, itemId);
  if (found.kind === 'not_found') return found;
  return { kind: 'content', response: await found.attachments.download(found.source, itemId, attachmentId, request) };
}

async function servedItem(
  deps: ItemAttachmentsDependencies,
  key: SourceKey,
  itemId: string,
): Promise<NotFound | { kind: 'served'; source: SourceRecord; attachments: AttachmentSource }> {
  const stored = await deps.sources.get(key);
  if (!stored) return { kind: 'not_found', what: 'source' };
  const attachments = deps.providers.get(stored.record.type).attachments;
  if (!attachments) return { kind: 'not_found', what: 'attachments of this source type' };
  const item = await deps.items.get(key, itemId);
  if (!item || !item.included || item.isFolder) return { kind: 'not_found', what: 'item' };
  return { kind: 'served', source: stored.record, attachments };
}
