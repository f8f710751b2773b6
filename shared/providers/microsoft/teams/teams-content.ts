// A message's content is its HTML body (`body.content`, contentType html or text:
// https://learn.microsoft.com/graph/api/resources/itembody), served as text/html. Graph has no
// `$value` for a chatMessage, so the message is read (one small JSON document) and its body streamed
// out; the JSON is parsed with zod first. Hosted contents (inline images) and file attachments
// (SharePoint links in `attachments`) are not served: their links stay in the HTML.
// Get a channel message or reply: https://learn.microsoft.com/graph/api/chatmessage-get.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { NotFoundError } from '../../../core/domain/errors.js';
import type { SourceRecord } from '../../../core/domain/source.js';
import type { ContentRequest, ContentResponse } from '../../../core/ports/provider-ports.js';
import type { LimitedTransport } from '../graph/gated-transport.js';
import { failureFrom, readGraphJson } from '../graph/graph-transport.js';
import { teamsLocationOf } from './teams-location.js';
import { isDeleted, parseMessageItemId } from './teams-mapping.js';
import { teamsPaths } from './teams-paths.js';
import { chatMessageSchema, type GraphChatMessage } from './teams-schemas.js';

export async function downloadMessageHtml(
  transport: LimitedTransport,
  source: SourceRecord,
  itemId: string,
  request: ContentRequest,
): Promise<ContentResponse> {
  const address = parseMessageItemId(itemId);
  if (address === undefined) throw new NotFoundError('message');
  const location = teamsLocationOf(source);
  const url =
    location.teamId !== undefined
      ? address.replyId !== undefined
        ? teamsPaths.reply(location.teamId, address.threadId, address.messageId, address.replyId)
        : teamsPaths.post(location.teamId, address.threadId, address.messageId)
      : teamsPaths.chatMessage(address.threadId, address.messageId);
  const response = await transport.send(
    source,
    { method: 'GET', url, ...(request.signal ? { signal: request.signal } : {}) },
    'message content',
  );
  if (!response.ok) throw await failureFrom(response, { what: 'message content', missingMeans: 'thing' });
  const message: GraphChatMessage = await readGraphJson(response, chatMessageSchema, 'message content');
  if (isDeleted(message)) throw new NotFoundError('message');
  const html = htmlOf(message);
  const bytes = Buffer.from(html, 'utf8');
  const etag = `"${createHash('sha256').update(bytes).digest('base64url')}"`;
  const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', etag };
  if (request.ifNoneMatch !== undefined && request.ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) {
    return { status: 304, headers };
  }
  return {
    status: 200,
    headers: { ...headers, 'content-length': String(bytes.length) },
    body: Readable.from([bytes]),
  };
}

/** The body as HTML: a text body is escaped into a <pre>, an HTML body passes as Graph sent it. */
export function htmlOf(message: GraphChatMessage): string {
  const content = message.body?.content ?? '';
  if ((message.body?.contentType ?? 'html').toLowerCase() === 'html') return content;
  const escaped = content.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return `<pre>${escaped}</pre>`;
}
