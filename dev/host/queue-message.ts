// Turns a stored queue message into what a queue-triggered handler receives. With host.json
// `messageEncoding: base64` (the default) the host base64-decodes the text; then, for JavaScript
// workers, text that parses as JSON arrives as the parsed value and anything else as the string.
// (Microsoft Learn, "Azure Queue storage trigger for Azure Functions": usage and host.json.)
import type { HostJsonQueues } from './host-json.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type DecodedMessage = { kind: 'decoded'; value: unknown } | { kind: 'undecodable' };

export function decodeQueueMessage(messageText: string, encoding: HostJsonQueues['messageEncoding']): DecodedMessage {
  let text = messageText;
  if (encoding === 'base64') {
    // Buffer.from(…, 'base64') accepts garbage silently; the host would fail to decode it, so check.
    if (!BASE64.test(messageText)) return { kind: 'undecodable' };
    text = Buffer.from(messageText, 'base64').toString('utf8');
  }
  try {
    return { kind: 'decoded', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'decoded', value: text };
  }
}
