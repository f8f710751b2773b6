// GET …/sources/{sourceId}/items/{itemId}/content: streams a file's bytes from the provider. Only items
// the host was told about (known and `included`: inside the folder scope and passing the filters) are
// served, so the proxy cannot be used to read anything else at the source's location with its token.
import type { SourceKey } from '../domain/source.js';
import type { ItemRepository } from '../ports/item-repository.js';
import type { ContentRequest, ContentResponse, ProviderRegistry } from '../ports/provider-ports.js';
import type { SourceRepository } from '../ports/source-repository.js';

export interface ItemContentDependencies {
  sources: Pick<SourceRepository, 'get'>;
  items: Pick<ItemRepository, 'get'>;
  providers: ProviderRegistry;
}

export type ItemContentResult = { kind: 'content'; response: ContentResponse } | { kind: 'not_found'; what: string };

export async function openItemContent(
  deps: ItemContentDependencies,
  key: SourceKey,
  itemId: string,
  request: ContentRequest,
): Promise<ItemContentResult> {
  const stored = await deps.sources.get(key);
  if (!stored) return { kind: 'not_found', what: 'source' };
  const item = await deps.items.get(key, itemId);
  if (!item || !item.included || item.isFolder) return { kind: 'not_found', what: 'item' };
  const response = await deps.providers.get(stored.record.type).downloadContent(stored.record, itemId, request);
  if (response.status === 416 && response.headers['content-range'] === undefined && item.size !== undefined) {
    // The size a client needs to ask again; the provider did not say it, the item row knows it.
    response.headers['content-range'] = `bytes */${item.size}`;
  }
  return { kind: 'content', response };
}
