// A provider that is not a drive, to show the ports suffice (issue 11, item 5): a chat workspace in
// memory whose channels hold flat messages (no folders), one named cursor per channel, content
// versioned by a revision number, and a watch policy of its own (short-lived watches that can only be
// recreated, no lifecycle events). Registered through the provider registry in tests only.
// A source of every channel (`channels: ['*']`) has a directory cursor first, whose pages announce
// channels opened and archived (ChangePage.cursorsAdded / cursorsRemoved), as a mailbox's folders do.
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { CursorExpiredError, NotFoundError } from '../../shared/core/domain/errors.js';
import type { ChangePage, RemoteItem } from '../../shared/core/domain/remote-item.js';
import type { ResolvedLocation, SourceKey, SourceLocation, SourceRecord } from '../../shared/core/domain/source.js';
import type {
  ContentFacts,
  ContentRequest,
  ContentResponse,
  SyncProvider,
} from '../../shared/core/ports/provider-ports.js';
import type {
  WatchHandle,
  WatchInfo,
  WatchPolicy,
  WatchRequest,
  WatchSource,
} from '../../shared/core/ports/watch-source.js';

export const IN_MEMORY_TYPE = 'memchat';

const locationSchema = z.object({ workspace: z.string().min(1), channels: z.array(z.string().min(1)).min(1) }).strict();

/** The cursor of a source of every channel that lists the channels themselves. */
export const DIRECTORY_CURSOR = '#directory';
const ALL_CHANNELS = '*';
type ChatLocation = z.output<typeof locationSchema>;

interface Message {
  id: string;
  channel: string;
  name: string;
  text: string;
  from: string;
  sentDateTime: string;
  /** Bumped by an edit of the text only: the provider's content version. */
  revision: number;
  /** Bumped by any change (text or name). */
  version: number;
}

interface Channel {
  /** Changes when the channel forgets its history: older cursors expire. */
  generation: number;
  /** Sequence number of the last change. */
  seq: number;
  /** Last change of each message id (deleted ones too). */
  lastChange: Map<string, number>;
  messages: Map<string, Message>;
  /** Archived channels are gone for every source; their messages with them. */
  archived: boolean;
}

/** One workspace: its channels and their messages, changed by the test through the methods below. */
export class InMemoryWorkspace {
  private readonly channels = new Map<string, Channel>();
  /** The directory's change log: channel name → sequence number of its last open or archive. */
  private readonly directory = new Map<string, number>();
  private directorySeq = 0;
  private nextId = 1;
  private clock = Date.parse('2026-01-01T00:00:00Z');

  constructor(
    readonly name: string,
    channelNames: readonly string[],
  ) {
    for (const channel of channelNames) this.openChannel(channel);
  }

  openChannel(name: string): void {
    this.channels.set(name, { generation: 1, seq: 0, lastChange: new Map(), messages: new Map(), archived: false });
    this.directory.set(name, ++this.directorySeq);
  }

  /** The channel and its messages are gone (its cursor 404s, as a deleted mail folder's does). */
  archiveChannel(name: string): void {
    this.channel(name).archived = true;
    this.directory.set(name, ++this.directorySeq);
  }

  /** Channels opened or archived after `seq`, and the directory's current position. */
  directorySince(seq: number): { opened: string[]; archived: string[]; seq: number } {
    const changed = [...this.directory].filter(([, at]) => at > seq).map(([name]) => name);
    return {
      opened: changed.filter((name) => !this.channels.get(name)!.archived),
      archived: changed.filter((name) => this.channels.get(name)!.archived),
      seq: this.directorySeq,
    };
  }

  post(channel: string, name: string, text: string, from = 'alex'): Message {
    const message: Message = {
      id: `m${this.nextId++}`,
      channel,
      name,
      text,
      from,
      sentDateTime: new Date((this.clock += 1000)).toISOString(),
      revision: 1,
      version: 1,
    };
    this.channel(channel).messages.set(message.id, message);
    this.touch(channel, message.id);
    return message;
  }

  edit(id: string, text: string): void {
    const message = this.find(id);
    Object.assign(message, { text, revision: message.revision + 1, version: message.version + 1 });
    this.touch(message.channel, id);
  }

  rename(id: string, name: string): void {
    const message = this.find(id);
    Object.assign(message, { name, version: message.version + 1 });
    this.touch(message.channel, id);
  }

  remove(id: string): void {
    const message = this.find(id);
    this.channel(message.channel).messages.delete(id);
    this.touch(message.channel, id);
  }

  /** The channel forgets its change history: its cursors expire and must enumerate again. */
  expireCursors(channel: string): void {
    this.channel(channel).generation++;
  }

  /** Every message, by id (what a host holding the whole feed should have). */
  allMessages(): Message[] {
    return [...this.channels.values()]
      .filter((channel) => !channel.archived)
      .flatMap((channel) => [...channel.messages.values()]);
  }

  /** The messages an archived channel held (what its retirement must delete). */
  messageIdsOf(name: string): string[] {
    return [...this.channel(name).messages.keys()];
  }

  hasChannel(name: string): boolean {
    return this.channels.has(name) && !this.channels.get(name)!.archived;
  }

  channel(name: string): Channel {
    const channel = this.channels.get(name);
    if (!channel) throw new NotFoundError(`no channel ${name}`);
    return channel;
  }

  private find(id: string): Message {
    for (const channel of this.channels.values()) {
      const message = channel.messages.get(id);
      if (message) return message;
    }
    throw new Error(`no message ${id}`);
  }

  private touch(channel: string, id: string): void {
    const state = this.channel(channel);
    state.lastChange.set(id, ++state.seq);
  }
}

/**
 * Cursors: `full|generation|startSeq|offset` while enumerating every message, `delta|generation|fromSeq|toSeq|offset`
 * while reading changes, and `delta|generation|seq` (final) between syncs.
 */
type ParsedCursor =
  | { kind: 'full'; generation: number; startSeq: number; offset: number }
  | { kind: 'delta'; generation: number; fromSeq: number; toSeq?: number; offset: number };

function parseCursor(cursor: string): ParsedCursor {
  const [kind, ...numbers] = cursor.split('|');
  const [a = 0, b = 0, c = 0, d = 0] = numbers.map(Number);
  if (kind === 'full') return { kind, generation: a, startSeq: b, offset: c };
  if (numbers.length === 2) return { kind: 'delta', generation: a, fromSeq: b, offset: 0 };
  return { kind: 'delta', generation: a, fromSeq: b, toSeq: c, offset: d };
}

/** Short-lived watches that cannot be extended in place, no reauthorization, no lifecycle events. */
export const IN_MEMORY_WATCH_POLICY: WatchPolicy = {
  maxLifetimeMs: () => 60 * 60 * 1000,
  expiryMarginMs: 60 * 1000,
  renewal: 'recreate',
  reauthorizeSupported: false,
  lifecycleEvents: [],
  maxSecretLength: 64,
};

class InMemoryWatch implements WatchSource {
  readonly policy = IN_MEMORY_WATCH_POLICY;
  readonly webhookName = IN_MEMORY_TYPE;
  readonly live = new Map<string, WatchRequest>();

  create(_source: SourceRecord, request: WatchRequest): Promise<WatchInfo> {
    const watchId = randomUUID();
    this.live.set(watchId, request);
    return Promise.resolve({ watchId, expiresAt: request.expiresAt });
  }

  delete(_source: SourceRecord, { watchId }: WatchHandle): Promise<void> {
    this.live.delete(watchId);
    return Promise.resolve();
  }
}

export class InMemoryProvider implements SyncProvider {
  readonly type = IN_MEMORY_TYPE;
  readonly supportedFileTypes = 'any' as const;
  readonly locationSchema = locationSchema;
  readonly watch = new InMemoryWatch();
  private readonly workspaces = new Map<string, InMemoryWorkspace>();

  constructor(private readonly pageSize = 2) {}

  addWorkspace(workspace: InMemoryWorkspace): void {
    this.workspaces.set(workspace.name, workspace);
  }

  resolveLocation(_source: SourceKey, location: SourceLocation): Promise<ResolvedLocation> {
    const { workspace, channels } = locationSchema.parse(location);
    const found = this.workspaces.get(workspace);
    const missing = channels.find((channel) => channel !== ALL_CHANNELS && !found?.hasChannel(channel));
    if (!found || missing) return Promise.reject(new NotFoundError(`no workspace ${workspace} or channel ${missing}`));
    return Promise.resolve({ workspaceId: workspace });
  }

  unresolvedLocation(): ResolvedLocation {
    return { workspaceId: '' };
  }

  isResolved(location: ResolvedLocation): boolean {
    return location.workspaceId !== '';
  }

  sameLocation(a: ResolvedLocation, b: ResolvedLocation): boolean {
    return a.workspaceId === b.workspaceId;
  }

  async validateConnection(source: SourceRecord): Promise<void> {
    await this.resolveLocation(source, source.location);
  }

  cursorNames(source: SourceRecord): readonly string[] {
    const channels = (source.location as ChatLocation).channels;
    if (!channels.includes(ALL_CHANNELS)) return channels;
    // The channels found so far are cursors of the source; the directory finds the rest.
    return [DIRECTORY_CURSOR, ...Object.keys(source.cursors ?? {}).filter((name) => name !== DIRECTORY_CURSOR)];
  }

  fetchChanges(source: SourceRecord, cursorName: string, cursor: string | undefined): Promise<ChangePage> {
    const workspace = this.workspaceOf(source);
    if (cursorName === DIRECTORY_CURSOR) {
      const since = workspace.directorySince(cursor ? Number(cursor.split('|')[1]) : 0);
      // An archived channel's messages are gone with it: the page says so, then retires its cursor.
      const deletes = since.archived.flatMap((name) =>
        workspace
          .messageIdsOf(name)
          .map((id): RemoteItem => ({ id, kind: 'message', isFolder: false, isRoot: false, deleted: true })),
      );
      return Promise.resolve({
        items: deletes,
        cursorsAdded: since.opened,
        cursorsRemoved: since.archived,
        finalCursor: `dir|${since.seq}`,
      });
    }
    const channel = workspace.channel(cursorName);
    if (channel.archived) {
      // Archived since the directory was read: this cursor retires itself, its messages deleted.
      return Promise.resolve({
        items: workspace
          .messageIdsOf(cursorName)
          .map((id): RemoteItem => ({ id, kind: 'message', isFolder: false, isRoot: false, deleted: true })),
        cursorsRemoved: [cursorName],
        finalCursor: 'archived',
      });
    }
    const at = cursor
      ? parseCursor(cursor)
      : { kind: 'full' as const, generation: channel.generation, startSeq: channel.seq, offset: 0 };
    if (at.generation !== channel.generation) return Promise.reject(new CursorExpiredError(undefined));
    if (at.kind === 'full') {
      const all = [...channel.messages.values()].sort((x, y) => x.id.localeCompare(y.id));
      const page = all.slice(at.offset, at.offset + this.pageSize).map((m) => toRemote(m));
      const offset = at.offset + this.pageSize;
      return Promise.resolve(
        offset < all.length
          ? { items: page, nextCursor: `full|${at.generation}|${at.startSeq}|${offset}` }
          : { items: page, finalCursor: `delta|${at.generation}|${at.startSeq}` },
      );
    }
    const toSeq = at.toSeq ?? channel.seq;
    const changed = [...channel.lastChange.entries()]
      .filter(([, seq]) => seq > at.fromSeq && seq <= toSeq)
      .sort((x, y) => x[1] - y[1])
      .map(([id]) => id);
    const items = changed.slice(at.offset, at.offset + this.pageSize).map((id): RemoteItem => {
      const message = channel.messages.get(id);
      return message ? toRemote(message) : { id, kind: 'message', isFolder: false, isRoot: false, deleted: true };
    });
    const offset = at.offset + this.pageSize;
    return Promise.resolve(
      offset < changed.length
        ? { items, nextCursor: `delta|${at.generation}|${at.fromSeq}|${toSeq}|${offset}` }
        : { items, finalCursor: `delta|${at.generation}|${toSeq}` },
    );
  }

  /** Content is the text's revision: a rename keeps it, an edit bumps it. */
  contentChanged(before: ContentFacts, after: ContentFacts): boolean {
    return before.contentVersion?.revision !== after.contentVersion?.revision;
  }

  async *listSubtree(): AsyncIterable<RemoteItem[]> {
    // Flat: no folders, so nothing is ever below one.
  }

  downloadContent(source: SourceRecord, itemId: string, _request: ContentRequest): Promise<ContentResponse> {
    const message = this.workspaceOf(source)
      .allMessages()
      .find((m) => m.id === itemId);
    if (!message) return Promise.reject(new NotFoundError(`no message ${itemId}`));
    return Promise.resolve({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: Readable.from([message.text]),
    });
  }

  private workspaceOf(source: SourceRecord): InMemoryWorkspace {
    const workspace = this.workspaces.get(String(source.resolvedLocation.workspaceId));
    if (!workspace) throw new NotFoundError('workspace gone');
    return workspace;
  }
}

function toRemote(message: Message): RemoteItem {
  return {
    id: message.id,
    kind: 'message',
    name: message.name,
    isFolder: false,
    isRoot: false,
    deleted: false,
    size: Buffer.byteLength(message.text),
    mimeType: 'text/plain',
    contentHash: { algorithm: 'sha256', value: createHash('sha256').update(message.text).digest('base64') },
    contentVersion: { revision: String(message.revision) },
    eTag: `"${message.id}.${message.version}"`,
    lastModifiedDateTime: message.sentDateTime,
    message: {
      conversationId: message.channel,
      from: message.from,
      subject: message.name,
      sentDateTime: message.sentDateTime,
    },
  };
}
