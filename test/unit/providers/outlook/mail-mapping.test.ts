// Pure parts of the Outlook mail provider: the location a host may register, how a Graph message
// becomes an item, and which changes count as content changes.
import { describe, expect, it } from 'vitest';
import { mailContentChanged } from '../../../../shared/providers/microsoft/mail/mail-content-version.js';
import { mailLocationSchema } from '../../../../shared/providers/microsoft/mail/mail-location.js';
import {
  folderOfCursor,
  messageCursorOf,
  messageName,
  toMessageItem,
} from '../../../../shared/providers/microsoft/mail/message-mapping.js';
import { mailMessageSchema } from '../../../../shared/providers/microsoft/mail/mail-schemas.js';

const graphMessage = mailMessageSchema.parse({
  id: 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0AXH2=',
  subject: 'Q3 plan / draft',
  from: { emailAddress: { address: 'megan@contoso.com', name: 'Megan' } },
  toRecipients: [{ emailAddress: { address: 'a@contoso.com' } }, { emailAddress: { address: 'b@contoso.com' } }],
  ccRecipients: [],
  receivedDateTime: '2026-11-30T10:00:00Z',
  sentDateTime: '2026-11-30T09:59:58Z',
  conversationId: 'conv-1',
  internetMessageId: '<abc@contoso.com>',
  parentFolderId: 'inbox-id',
  hasAttachments: true,
  isDraft: false,
  webLink: 'https://outlook.office365.com/owa/?ItemID=x',
  body: { contentType: 'html', content: '<p>hello</p>' },
  '@odata.etag': 'W/"CQAAABYAAAB"',
});

describe('Outlook mail locations', () => {
  it('takes a mailbox, well-known folder names or ids, and a receivedAfter instant', () => {
    const parsed = mailLocationSchema.parse({
      mailbox: { userId: 'megan@contoso.com' },
      folders: ['inbox', 'AAMkAGI2TG93AAA='],
      receivedAfter: '2026-01-01T00:00:00Z',
    });
    expect(parsed).toEqual({
      mailbox: { userId: 'megan@contoso.com' },
      folders: ['inbox', 'AAMkAGI2TG93AAA='],
      includeChildFolders: true,
      receivedAfter: '2026-01-01T00:00:00Z',
    });
    expect(mailLocationSchema.parse({ mailbox: { me: true } }).folders).toBeNull();
  });

  it('refuses ids that could leave the URL path, unknown fields and a bad instant', () => {
    expect(mailLocationSchema.safeParse({ mailbox: { me: true }, folders: ['../drive'] }).success).toBe(false);
    expect(mailLocationSchema.safeParse({ mailbox: { me: true }, folders: ['a?b'] }).success).toBe(false);
    expect(mailLocationSchema.safeParse({ mailbox: { userId: '..' } }).success).toBe(false);
    expect(mailLocationSchema.safeParse({ mailbox: { me: true }, extra: 1 }).success).toBe(false);
    expect(mailLocationSchema.safeParse({ mailbox: { me: true }, receivedAfter: 'yesterday' }).success).toBe(false);
  });
});

describe('a Graph message as an item', () => {
  it('is a message below its folder, enumerated by that folder’s cursor, with the event fields', () => {
    const item = toMessageItem(graphMessage, 'inbox-id');
    expect(item).toMatchObject({
      id: graphMessage.id,
      kind: 'message',
      name: 'Q3 plan ∕ draft.eml',
      parentId: 'inbox-id',
      cursorName: 'messages:inbox-id',
      isFolder: false,
      mimeType: 'message/rfc822',
      eTag: 'W/"CQAAABYAAAB"',
      webUrl: 'https://outlook.office365.com/owa/?ItemID=x',
      message: {
        conversationId: 'conv-1',
        from: 'megan@contoso.com',
        subject: 'Q3 plan / draft',
        receivedDateTime: '2026-11-30T10:00:00Z',
        internetMessageId: '<abc@contoso.com>',
        toCount: 2,
        ccCount: 0,
        hasAttachments: true,
        isDraft: false,
      },
    });
    expect(folderOfCursor(messageCursorOf('f1=='))).toBe('f1==');
    expect(folderOfCursor('folders')).toBeUndefined();
  });

  it('names messages without a subject, and strips control characters', () => {
    expect(messageName(undefined)).toBe('(no subject).eml');
    expect(messageName('  ')).toBe('(no subject).eml');
    expect(messageName('a\u0000b\nc')).toBe('a b c.eml');
  });

  it('counts subject, body and attachments as content; reading, flags and moves are not', () => {
    const before = toMessageItem(graphMessage, 'inbox-id');
    const read = toMessageItem({ ...graphMessage, '@odata.etag': 'W/"other"' }, 'archive-id');
    expect(mailContentChanged(before, read)).toBe(false);
    const edited = toMessageItem({ ...graphMessage, body: { contentType: 'html', content: '<p>hello!</p>' } }, 'x');
    expect(mailContentChanged(before, edited)).toBe(true);
    const retitled = toMessageItem({ ...graphMessage, subject: 'Q3 plan' }, 'inbox-id');
    expect(mailContentChanged(before, retitled)).toBe(true);
    const unattached = toMessageItem({ ...graphMessage, hasAttachments: false }, 'inbox-id');
    expect(mailContentChanged(before, unattached)).toBe(true);
  });
});
