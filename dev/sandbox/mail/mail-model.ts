// The records of the simulated Exchange mailboxes (one per sandbox user, made on first use).
// Each folder keeps an append-only log of the messages that entered, changed in or left it, and
// the mailbox a log of folder changes: delta rounds read from a sequence number onwards, so an
// incremental round costs O(changes), never a scan of the folder (as state/delta-engine.ts does).

export interface Recipient {
  emailAddress: { name: string; address: string };
}

export interface AttachmentRecord {
  /** Position in the message: attachment ids are derived from it and the message id. */
  number: number;
  name: string;
  contentType: string;
  content: Buffer;
  isInline: boolean;
  contentId: string | null;
  lastModifiedAt: number;
}

export interface MessageRecord {
  serial: number;
  immutableId: string;
  /** Changes whenever the message moves to another folder (outlook-immutable-id). */
  regularId: string;
  folderId: string;
  /** Mailbox sequence number at which the message entered its current folder (created vs updated). */
  arrivedSeq: number;
  /** Bumped on every change: changeKey and @odata.etag are derived from it. */
  version: number;
  subject: string;
  from: Recipient | null;
  sender: Recipient | null;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  body: { contentType: 'html' | 'text'; content: string };
  receivedAt: number;
  sentAt: number | null;
  createdAt: number;
  modifiedAt: number;
  isRead: boolean;
  isDraft: boolean;
  flagStatus: 'notFlagged' | 'flagged' | 'complete';
  importance: 'low' | 'normal' | 'high';
  conversationId: string;
  internetMessageId: string;
  attachments: AttachmentRecord[];
}

/** The ids a message had in a folder it left (moved out or deleted): @removed entries name them. */
export interface LeftFolder {
  regularId: string;
  immutableId: string;
}

export interface FolderLogEntry {
  seq: number;
  serial: number;
  /** Set when the message left the folder at this point; absent for arrivals and changes. */
  left?: LeftFolder;
}

export interface MailFolderRecord {
  /** Folder ids never change (containers have no separate immutable id: outlook-immutable-id). */
  id: string;
  wellKnownName: string | null;
  displayName: string;
  /** null only for msgfolderroot. */
  parentFolderId: string | null;
  childIds: Set<string>;
  /** Serials of the messages in the folder, in arrival order. */
  messageSerials: Set<number>;
  unreadCount: number;
  log: FolderLogEntry[];
  /** Bumped by expireDeltaTokens: delta tokens of an older generation answer 410 SyncStateNotFound. */
  tokenGeneration: number;
  isHidden: boolean;
}

export interface HierarchyLogEntry {
  seq: number;
  folderId: string;
  removed: boolean;
}

export interface MailboxRecord {
  userId: string;
  /** Random bytes that make this mailbox's ids unlike any other's. */
  key: Buffer;
  rootId: string;
  folders: Map<string, MailFolderRecord>;
  wellKnown: Map<string, string>;
  messages: Map<number, MessageRecord>;
  byImmutableId: Map<string, number>;
  byRegularId: Map<string, number>;
  /** One sequence for the folder logs and the hierarchy log. */
  seq: number;
  nextSerial: number;
  nextFolderNumber: number;
  hierarchyLog: HierarchyLogEntry[];
  hierarchyGeneration: number;
}
