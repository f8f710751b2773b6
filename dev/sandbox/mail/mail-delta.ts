// Delta rounds over the mailbox logs (https://learn.microsoft.com/graph/delta-query-messages,
// https://learn.microsoft.com/graph/api/mailfolder-delta). A round starts without a token (the
// folder's messages, or the whole folder hierarchy) or from a deltaLink (each change since its
// sequence number once, in its latest state). Its entries are materialised once, then every page
// is a slice, so a page costs O(page) (as state/delta-engine.ts does). Tokens are signed and name
// their mailbox, folder, query and token generation: a token of another folder, a forged one, one
// whose round is no longer held, or one expired by the control API answers 410 SyncStateNotFound
// (delta-query-overview "Token duration": a 40X with syncStateNotFound; observed as 410 Gone with
// "SyncStateNotFound", microsoftgraph/microsoft-graph-docs#2350 and #2162).
import { z } from 'zod';
import type { SignedTokenCodec } from '../state/signed-token.js';
import type { LeftFolder, MailboxRecord, MailFolderRecord, MessageRecord } from './mail-model.js';

export class SyncStateNotFoundError extends Error {}

export interface MessageDeltaQuery {
  select: string[] | undefined;
  /** $filter=receivedDateTime ge|gt {value}: the only filter message delta supports. */
  receivedAfter: { inclusive: boolean; time: number } | undefined;
  /** The custom changeType query option (message-delta). */
  changeType: 'created' | 'updated' | 'deleted' | undefined;
  /** $orderby=receivedDateTime desc, the only order message delta supports. */
  newestFirst: boolean;
}

export type MessageDeltaEntry = { kind: 'message'; message: MessageRecord } | { kind: 'removed'; left: LeftFolder };

export type FolderDeltaEntry = { kind: 'folder'; folder: MailFolderRecord } | { kind: 'removed'; folderId: string };

export interface DeltaPage<T> {
  entries: T[];
  /** Exactly one is set: the $skiptoken of the next page, or the $deltatoken of the next round. */
  skipToken?: string;
  deltaToken?: string;
}

interface Round {
  id: number;
  userId: string;
  /** The folder whose messages the round lists; '' for a folder-hierarchy round. */
  folderId: string;
  generation: number;
  queryKey: string;
  entries: (number | LeftFolder | string)[];
  endSeq: number;
}

const tokenSchema = z.object({
  k: z.enum(['d', 'p']),
  u: z.string(),
  f: z.string(),
  g: z.number().int(),
  q: z.string(),
  s: z.number().int().optional(),
  e: z.number().int().optional(),
  o: z.number().int().optional(),
});
type TokenPayload = z.infer<typeof tokenSchema>;

/** Rounds held for their skiptokens; the oldest go first (their nextLinks then answer 410). */
const MAX_ROUNDS = 1024;

export function queryKeyOf(query: MessageDeltaQuery | undefined): string {
  if (!query) return '';
  return JSON.stringify([
    query.select?.join(',') ?? null,
    query.receivedAfter ? [query.receivedAfter.inclusive, query.receivedAfter.time] : null,
    query.changeType ?? null,
    query.newestFirst,
  ]);
}

export class MailDeltaEngine {
  private readonly rounds = new Map<number, Round>();
  private nextRoundId = 1;

  constructor(private readonly codec: SignedTokenCodec) {}

  reset(): void {
    this.rounds.clear();
  }

  /** The query a token was issued for (its options travel inside it, message-delta "Query parameters"). */
  queryKeyOfToken(token: string): string | undefined {
    const parsed = tokenSchema.safeParse(this.codec.decode(token));
    return parsed.success ? parsed.data.q : undefined;
  }

  serveMessages(
    mailbox: MailboxRecord,
    folder: MailFolderRecord,
    token: string | undefined,
    query: MessageDeltaQuery,
    pageSize: number,
  ): DeltaPage<MessageDeltaEntry> {
    const queryKey = queryKeyOf(query);
    let round: Round;
    let offset = 0;
    if (token === undefined) {
      round = this.remember(
        mailbox,
        folder.id,
        folder.tokenGeneration,
        queryKey,
        initialMessages(folder, mailbox, query),
      );
    } else {
      const payload = this.open(token, mailbox, folder.id, folder.tokenGeneration);
      if (payload.k === 'p') {
        ({ round, offset } = this.heldRound(payload));
      } else {
        const entries = changedMessages(folder, mailbox, payload.s ?? 0, query);
        round = this.remember(mailbox, folder.id, folder.tokenGeneration, queryKey, entries);
      }
    }
    const slice = round.entries.slice(offset, offset + pageSize);
    const entries: MessageDeltaEntry[] = [];
    for (const entry of slice) {
      if (typeof entry === 'number') {
        // Served in its latest state; a message that left the folder meanwhile comes next round.
        const message = mailbox.messages.get(entry);
        if (message && message.folderId === folder.id) entries.push({ kind: 'message', message });
      } else if (typeof entry === 'object') {
        entries.push({ kind: 'removed', left: entry });
      }
    }
    return { entries, ...this.links(round, offset + pageSize) };
  }

  serveFolders(mailbox: MailboxRecord, token: string | undefined, pageSize: number): DeltaPage<FolderDeltaEntry> {
    let round: Round;
    let offset = 0;
    if (token === undefined) {
      round = this.remember(mailbox, '', mailbox.hierarchyGeneration, '', allFolders(mailbox));
    } else {
      const payload = this.open(token, mailbox, '', mailbox.hierarchyGeneration);
      if (payload.k === 'p') ({ round, offset } = this.heldRound(payload));
      else round = this.remember(mailbox, '', mailbox.hierarchyGeneration, '', changedFolders(mailbox, payload.s ?? 0));
    }
    const entries: FolderDeltaEntry[] = [];
    for (const entry of round.entries.slice(offset, offset + pageSize)) {
      const folderId = entry as string;
      const folder = mailbox.folders.get(folderId);
      entries.push(folder ? { kind: 'folder', folder } : { kind: 'removed', folderId });
    }
    return { entries, ...this.links(round, offset + pageSize) };
  }

  private links(round: Round, nextOffset: number): { skipToken?: string; deltaToken?: string } {
    const base = { u: round.userId, f: round.folderId, g: round.generation, q: round.queryKey };
    if (nextOffset < round.entries.length)
      return { skipToken: this.codec.encode({ k: 'p', ...base, e: round.id, o: nextOffset }) };
    return { deltaToken: this.codec.encode({ k: 'd', ...base, s: round.endSeq }) };
  }

  private open(token: string, mailbox: MailboxRecord, folderId: string, generation: number): TokenPayload {
    const parsed = tokenSchema.safeParse(this.codec.decode(token));
    if (!parsed.success || parsed.data.u !== mailbox.userId || parsed.data.f !== folderId)
      throw new SyncStateNotFoundError('The sync state could not be found.');
    if (parsed.data.g < generation)
      throw new SyncStateNotFoundError(
        `The sync state generation is not found; generation=${parsed.data.g};[highest=${generation}].`,
      );
    return parsed.data;
  }

  private heldRound(payload: TokenPayload): { round: Round; offset: number } {
    const round = this.rounds.get(payload.e ?? -1);
    if (!round || round.generation !== payload.g)
      throw new SyncStateNotFoundError('The sync state could not be found.');
    return { round, offset: payload.o ?? 0 };
  }

  private remember(
    mailbox: MailboxRecord,
    folderId: string,
    generation: number,
    queryKey: string,
    entries: Round['entries'],
  ): Round {
    const round: Round = {
      id: this.nextRoundId++,
      userId: mailbox.userId,
      folderId,
      generation,
      queryKey,
      entries,
      endSeq: mailbox.seq,
    };
    this.rounds.set(round.id, round);
    while (this.rounds.size > MAX_ROUNDS) this.rounds.delete(this.rounds.keys().next().value!);
    return round;
  }
}

function passes(message: MessageRecord, query: MessageDeltaQuery): boolean {
  const after = query.receivedAfter;
  if (!after) return true;
  return after.inclusive ? message.receivedAt >= after.time : message.receivedAt > after.time;
}

function initialMessages(folder: MailFolderRecord, mailbox: MailboxRecord, query: MessageDeltaQuery): number[] {
  const serials: number[] = [];
  for (const serial of folder.messageSerials) if (passes(mailbox.messages.get(serial)!, query)) serials.push(serial);
  if (query.newestFirst)
    serials.sort((a, b) => mailbox.messages.get(b)!.receivedAt - mailbox.messages.get(a)!.receivedAt);
  return serials;
}

/** Index of the first log entry after `seq` (logs are ordered by seq). */
function firstAfter<T extends { seq: number }>(log: T[], seq: number): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (log[mid]!.seq <= seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Each message that changed in the folder since `sinceSeq`, once, in the order of its last change:
 * present now → created (it arrived after the token) or updated; gone → @removed with the ids it had
 * here (deleted, or moved out: delta-query-messages "Synchronize messages in the same folder").
 */
function changedMessages(
  folder: MailFolderRecord,
  mailbox: MailboxRecord,
  sinceSeq: number,
  query: MessageDeltaQuery,
): (number | LeftFolder)[] {
  const last = new Map<number, LeftFolder | undefined>();
  for (let i = firstAfter(folder.log, sinceSeq); i < folder.log.length; i++) {
    const entry = folder.log[i]!;
    const previous = last.get(entry.serial);
    last.delete(entry.serial);
    last.set(entry.serial, entry.left ?? previous);
  }
  const entries: (number | LeftFolder)[] = [];
  for (const [serial, left] of last) {
    const message = mailbox.messages.get(serial);
    if (message && message.folderId === folder.id) {
      const changeType = message.arrivedSeq > sinceSeq ? 'created' : 'updated';
      if (query.changeType !== undefined && query.changeType !== changeType) continue;
      if (passes(message, query)) entries.push(serial);
    } else if (left && (query.changeType === undefined || query.changeType === 'deleted')) {
      entries.push(left);
    }
  }
  return entries;
}

/** The hierarchy flat, parents before children, without the hidden root (mailfolder-delta). */
function allFolders(mailbox: MailboxRecord): string[] {
  const ids: string[] = [];
  const queue = [...mailbox.folders.get(mailbox.rootId)!.childIds];
  while (queue.length > 0) {
    const id = queue.shift()!;
    ids.push(id);
    queue.push(...mailbox.folders.get(id)!.childIds);
  }
  return ids;
}

function changedFolders(mailbox: MailboxRecord, sinceSeq: number): string[] {
  const changed = new Set<string>();
  for (let i = firstAfter(mailbox.hierarchyLog, sinceSeq); i < mailbox.hierarchyLog.length; i++) {
    const id = mailbox.hierarchyLog[i]!.folderId;
    changed.delete(id);
    changed.add(id);
  }
  return [...changed];
}

/** The query a token carries, rebuilt from its key (the inverse of queryKeyOf). */
export function queryFromKey(key: string): MessageDeltaQuery {
  const [select, after, changeType, newestFirst] = JSON.parse(key) as [
    string | null,
    [boolean, number] | null,
    MessageDeltaQuery['changeType'] | null,
    boolean,
  ];
  return {
    select: select === null ? undefined : select.split(',').filter(Boolean),
    receivedAfter: after ? { inclusive: after[0], time: after[1] } : undefined,
    changeType: changeType ?? undefined,
    newestFirst,
  };
}
