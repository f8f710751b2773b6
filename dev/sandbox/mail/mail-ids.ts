// Id shapes (https://learn.microsoft.com/graph/outlook-immutable-id): Outlook ids are long,
// case-sensitive base64url strings; a message's regular id changes when it moves to another folder,
// its immutable id (requested with `Prefer: IdType="ImmutableId"`) never does while it stays in
// the mailbox. Folder ids are constant. The prefixes imitate Graph's (regular "AAMkA…", immutable
// "AAkALg…", folders "AQMkA…") so logs read alike; clients must treat all of them as opaque.
import { randomBytes } from 'node:crypto';

function encode(parts: (Buffer | number)[]): string {
  const buffers = parts.map((part) => {
    if (Buffer.isBuffer(part)) return part;
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(part >>> 0);
    return buffer;
  });
  return Buffer.concat(buffers).toString('base64url');
}

export function newMailboxKey(): Buffer {
  return randomBytes(12);
}

export function regularMessageId(key: Buffer, serial: number, location: number): string {
  return `AAMkA${encode([key, serial, location, randomBytes(3)])}AAA=`;
}

export function immutableMessageId(key: Buffer, serial: number): string {
  return `AAkALg${encode([key, serial])}AAA=`;
}

export function folderId(key: Buffer, number: number): string {
  return `AQMkA${encode([key, 0xf0_1d_e5, number])}AAAA`;
}

/** changeKey and the weak @odata.etag built from it (message resource: changeKey, @odata.etag). */
export function changeKey(key: Buffer, serial: number, version: number): string {
  return `CQAAABYAAA${encode([key.subarray(0, 6), serial, version])}`;
}

export function etagOf(changeKeyValue: string): string {
  return `W/"${changeKeyValue}"`;
}

/** Attachment ids extend the id of their message (both kinds, as message ids do). */
export function attachmentId(messageId: string, number: number): string {
  return `${messageId.replace(/=+$/, '')}BEgAQA${encode([number])}=`;
}

/** Characters an Outlook id can have; anything else is "malformed" rather than "not found". */
export function looksLikeId(value: string): boolean {
  return /^[A-Za-z0-9_\-+/=]{8,}$/.test(value);
}
