// The MIME (RFC 822 / RFC 2045) form of a message, as GET messages/{id}/$value returns it
// (https://learn.microsoft.com/graph/outlook-get-mime-message). Graph answers it with
// `Content-Type: text/plain` whatever the message holds (the page's example response; observed in
// microsoftgraph/msgraph-sdk-java#499), so clients must not trust that header: the body is MIME.
import { randomUUID } from 'node:crypto';
import type { MessageRecord, Recipient } from './mail-model.js';

export const MIME_CONTENT_TYPE = 'text/plain';

const CRLF = '\r\n';

export function mimeOf(message: MessageRecord): Buffer {
  const headers: string[] = [];
  if (message.from) headers.push(`From: ${address(message.from)}`);
  if (message.toRecipients.length > 0) headers.push(`To: ${message.toRecipients.map(address).join(', ')}`);
  if (message.ccRecipients.length > 0) headers.push(`Cc: ${message.ccRecipients.map(address).join(', ')}`);
  headers.push(`Subject: ${encodeWord(message.subject)}`);
  headers.push(`Date: ${new Date(message.sentAt ?? message.receivedAt).toUTCString().replace('GMT', '+0000')}`);
  headers.push(`Message-ID: ${message.internetMessageId}`);
  headers.push('MIME-Version: 1.0');
  const bodyType = message.body.contentType === 'html' ? 'text/html' : 'text/plain';
  const bodyPart = [
    `Content-Type: ${bodyType}; charset="utf-8"`,
    'Content-Transfer-Encoding: base64',
    '',
    wrap(Buffer.from(message.body.content, 'utf8').toString('base64')),
  ].join(CRLF);
  if (message.attachments.length === 0) {
    return Buffer.from([...headers, bodyPart].join(CRLF) + CRLF, 'utf8');
  }
  const boundary = `_sandbox_${randomUUID()}_`;
  headers.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const parts = [bodyPart];
  for (const attachment of message.attachments) {
    const disposition = attachment.isInline ? 'inline' : 'attachment';
    const lines = [
      `Content-Type: ${attachment.contentType}; name="${attachment.name}"`,
      `Content-Disposition: ${disposition}; filename="${attachment.name}"; size=${attachment.content.length}`,
    ];
    if (attachment.contentId) lines.push(`Content-ID: <${attachment.contentId}>`);
    lines.push('Content-Transfer-Encoding: base64', '', wrap(attachment.content.toString('base64')));
    parts.push(lines.join(CRLF));
  }
  const body = parts.map((part) => `--${boundary}${CRLF}${part}${CRLF}`).join('') + `--${boundary}--${CRLF}`;
  return Buffer.from([...headers, '', body].join(CRLF), 'utf8');
}

function address(recipient: Recipient): string {
  const { name, address: mail } = recipient.emailAddress;
  return name && name !== mail ? `${encodeWord(name)} <${mail}>` : mail;
}

/** RFC 2047 encoded-word for non-ASCII header text. */
function encodeWord(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?utf-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function wrap(base64: string): string {
  return base64.replace(/.{1,76}/g, (line) => `${line}${CRLF}`).replace(/\r\n$/, '');
}
