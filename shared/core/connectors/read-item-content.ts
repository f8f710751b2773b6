// The connector reads an item's bytes through the same use case as the content route
// (core/sources/item-content.ts): only items the feed reported and that are still included are
// served, with the source's own credentials. The connector needs the whole file to upload it, so
// the stream is gathered into one buffer, up to maxBytes: a larger item is refused as too_large
// before a byte is read when the event knows its size, or as soon as the stream passes the limit,
// so a few big files at once cannot take the instance's memory.
import type { Readable } from 'node:stream';
import type { ChangeEvent } from '../domain/change-event.js';
import { openItemContent, type ItemContentDependencies } from '../sources/item-content.js';
import { SinkError } from '../ports/connector-ports.js';
import type { ContentReader } from './apply-change.js';

const tooLarge = (maxBytes: number) =>
  new SinkError('too_large', undefined, `the item is larger than the connector's limit of ${maxBytes} bytes`);

async function gather(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > maxBytes) {
      body.destroy();
      throw tooLarge(maxBytes);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function itemContentReader(deps: ItemContentDependencies, kbId: string, maxBytes: number): ContentReader {
  return async (event: ChangeEvent) => {
    if (event.size !== null && event.size > maxBytes) throw tooLarge(maxBytes);
    const result = await openItemContent(deps, { kbId, sourceId: event.sourceId }, event.itemId, {});
    if (result.kind === 'not_found' || result.response.status !== 200 || !result.response.body) {
      if (result.kind === 'content') result.response.body?.destroy();
      return undefined;
    }
    const bytes = await gather(result.response.body, maxBytes);
    const contentType = result.response.headers['content-type'] ?? event.mimeType ?? 'application/octet-stream';
    return { bytes, contentType };
  };
}
