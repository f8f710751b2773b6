// The SyncProvider for Outlook mail over Microsoft Graph. A source is a mailbox (or some of its
// folders); its cursors are the folder tree (`folders`) and one message delta per folder
// (`messages:<folderId>`), found by the folder tree as it goes (ChangePage.cursorsAdded). Each
// operation lives in its own file beside this one; docs/provider-outlook.md tells the whole story.
import type { ChangePage, RemoteItem } from '../../../core/domain/remote-item.js';
import type { ResolvedLocation, SourceKey, SourceLocation, SourceRecord } from '../../../core/domain/source.js';
import type {
  AttachmentSource,
  ContentFacts,
  ContentRequest,
  ContentResponse,
  SyncProvider,
} from '../../../core/ports/provider-ports.js';
import type { WatchSource } from '../../../core/ports/watch-source.js';
import type { MailTransport } from './mailbox-gate.js';
import { FOLDERS_CURSOR, fetchFolderPage } from './folder-changes.js';
import { downloadAttachment, downloadMime, listAttachments } from './mail-content.js';
import { mailContentChanged } from './mail-content-version.js';
import { mailboxOf, mailLocationSchema, unresolvedMailbox, type MailLocation } from './mail-location.js';
import { getFolder, resolveMailbox } from './mailbox-discovery.js';
import { fetchMessagePage } from './message-changes.js';
import { folderOfCursor, MESSAGE_CURSOR_PREFIX } from './message-mapping.js';

export const OUTLOOK_MAIL_TYPE = 'outlook_mail';

export class OutlookMailProvider implements SyncProvider {
  readonly type = OUTLOOK_MAIL_TYPE;
  readonly supportedFileTypes = 'any' as const;
  readonly locationSchema = mailLocationSchema;

  constructor(
    private readonly transport: MailTransport,
    readonly watch: WatchSource,
  ) {}

  resolveLocation(source: SourceKey, location: SourceLocation): Promise<ResolvedLocation> {
    return resolveMailbox(this.transport, source, location as MailLocation);
  }

  unresolvedLocation(location: SourceLocation, previous?: ResolvedLocation): ResolvedLocation {
    return unresolvedMailbox(location as MailLocation, previous);
  }

  isResolved(location: ResolvedLocation): boolean {
    const mailbox = mailboxOf({ resolvedLocation: location });
    return mailbox.userId !== '' && mailbox.scopeItemId !== undefined;
  }

  sameLocation(a: ResolvedLocation, b: ResolvedLocation): boolean {
    return mailboxOf({ resolvedLocation: a }).userId === mailboxOf({ resolvedLocation: b }).userId;
  }

  async validateConnection(source: SourceRecord): Promise<void> {
    await getFolder(this.transport, source, mailboxOf(source).userId, 'msgfolderroot');
  }

  /** The folder tree first (it finds the folders), then every folder found so far. */
  cursorNames(source: SourceRecord): readonly string[] {
    const folders = Object.keys(source.cursors ?? {}).filter((name) => name.startsWith(MESSAGE_CURSOR_PREFIX));
    return [FOLDERS_CURSOR, ...folders];
  }

  fetchChanges(source: SourceRecord, cursorName: string, cursor: string | undefined): Promise<ChangePage> {
    if (cursorName === FOLDERS_CURSOR) return fetchFolderPage(this.transport, source, cursor);
    const folderId = folderOfCursor(cursorName);
    if (folderId === undefined) {
      // A cursor this provider never announced (another provider's rows): it is retired.
      return Promise.resolve({ items: [], cursorsRemoved: [cursorName], finalCursor: 'gone' });
    }
    const { receivedAfter } = source.location as MailLocation;
    return fetchMessagePage(this.transport, source, folderId, cursorName, cursor, receivedAfter);
  }

  contentChanged(before: ContentFacts, after: ContentFacts): boolean {
    return mailContentChanged(before, after);
  }

  /**
   * Nothing: when a folder comes into the source, the folder page that moved it lists its subfolders
   * and announces their cursors, and those cursors bring the messages (folder-changes.ts).
   */
  async *listSubtree(): AsyncIterable<RemoteItem[]> {}

  downloadContent(source: SourceRecord, itemId: string, request: ContentRequest): Promise<ContentResponse> {
    return downloadMime(this.transport, source, itemId, request);
  }

  readonly attachments: AttachmentSource = {
    list: (source, itemId) => listAttachments(this.transport, source, itemId),
    download: (source, itemId, attachmentId, request) =>
      downloadAttachment(this.transport, source, itemId, attachmentId, request),
  };
}
