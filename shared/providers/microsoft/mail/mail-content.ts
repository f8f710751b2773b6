// A message's content is its MIME form, streamed from `$value` (https://learn.microsoft.com/graph/outlook-get-mime-message);
// a file attachment's content is its bytes, from `attachments/{id}/$value`
// (https://learn.microsoft.com/graph/api/attachment-get). Nothing is buffered.
import type { SourceRecord } from '../../../core/domain/source.js';
import type { AttachmentInfo, ContentRequest, ContentResponse } from '../../../core/ports/provider-ports.js';
import { toContentResponse } from '../drive/content-download.js';
import { failureFrom, readGraphJson } from '../graph/graph-transport.js';
import type { MailTransport } from './mailbox-gate.js';
import { mailboxOf } from './mail-location.js';
import { IMMUTABLE_IDS, mailPaths } from './mail-paths.js';
import { attachmentListSchema } from './mail-schemas.js';

export async function downloadMime(
  transport: MailTransport,
  source: SourceRecord,
  messageId: string,
  request: ContentRequest,
): Promise<ContentResponse> {
  return streamed(transport, source, mailPaths.mime(mailboxOf(source).userId, messageId), request, 'message content', {
    'content-type': 'message/rfc822',
  });
}

/** File attachments only: item and reference attachments have no bytes of their own. */
export async function listAttachments(
  transport: MailTransport,
  source: SourceRecord,
  messageId: string,
): Promise<AttachmentInfo[]> {
  const response = await transport.sendOk(
    source,
    { method: 'GET', url: mailPaths.attachments(mailboxOf(source).userId, messageId), headers: IMMUTABLE_IDS },
    { what: 'message attachments', missingMeans: 'thing' },
  );
  const list = await readGraphJson(response, attachmentListSchema, 'message attachments');
  return list.value
    .filter(
      (attachment) =>
        (attachment['@odata.type'] ?? '#microsoft.graph.fileAttachment') === '#microsoft.graph.fileAttachment',
    )
    .map((attachment) => ({
      id: attachment.id,
      name: attachment.name ?? attachment.id,
      contentType: attachment.contentType ?? 'application/octet-stream',
      ...(typeof attachment.size === 'number' ? { size: attachment.size } : {}),
      isInline: attachment.isInline ?? false,
    }));
}

export async function downloadAttachment(
  transport: MailTransport,
  source: SourceRecord,
  messageId: string,
  attachmentId: string,
  request: ContentRequest,
): Promise<ContentResponse> {
  const url = mailPaths.attachmentValue(mailboxOf(source).userId, messageId, attachmentId);
  return streamed(transport, source, url, request, 'attachment content', {});
}

async function streamed(
  transport: MailTransport,
  source: SourceRecord,
  url: string,
  request: ContentRequest,
  what: string,
  /** Headers that replace Graph's (a message is served as message/rfc822 whatever Graph calls it). */
  forced: Record<string, string>,
): Promise<ContentResponse> {
  const response = await transport.send(
    source,
    { method: 'GET', url, headers: IMMUTABLE_IDS, ...(request.signal ? { signal: request.signal } : {}) },
    what,
  );
  if (response.status !== 200) throw await failureFrom(response, { what, missingMeans: 'thing' });
  const answer = await toContentResponse(response);
  return { ...answer, headers: { ...answer.headers, ...forced } };
}
