// The connector reads an item's bytes through the same use case as the content route
// (core/sources/item-content.ts): only items the feed reported and that are still included are
// served, with the source's own credentials. The connector needs the whole file to upload it, so
// the stream is gathered into one buffer.
import type { Readable } from 'node:stream';
import type { ChangeEvent } from '../domain/change-event.js';
import { openItemContent, type ItemContentDependencies } from '../sources/item-content.js';
import type { ContentReader } from './apply-change.js';

async function gather(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

export function itemContentReader(deps: ItemContentDependencies, kbId: string): ContentReader {
  return async (event: ChangeEvent) => {
    const result = await openItemContent(deps, { kbId, sourceId: event.sourceId }, event.itemId, {});
    if (result.kind === 'not_found' || result.response.status !== 200 || !result.response.body) {
      if (result.kind === 'content') result.response.body?.destroy();
      return undefined;
    }
    const bytes = await gather(result.response.body);
    const contentType = result.response.headers['content-type'] ?? event.mimeType ?? 'application/octet-stream';
    return { bytes, contentType };
  };
}
