// Which folders of a mailbox belong to a source, and where they hang in its tree.
//
// The source's tree is the mailbox's: msgfolderroot is its root (the engine's scope item), folders
// below it, messages below their folder. A folder outside the source hangs below OUTSIDE_FOLDER_ID, an
// item with no parent that is not the root, so the engine sees it (and everything below it) as out of
// scope: a folder moved out of the source takes its messages out with it, as a drive folder does.
// A listed folder whose parent is not in the source hangs directly below the root (`/Projects`).
//
// Whether a folder is in the source may depend on its ancestors (a listed folder's children, Deleted
// Items' children); parents not in the page at hand are read from Graph once per page.
import type { SourceKey } from '../../../core/domain/source.js';
import { discardBody, failureFrom, readGraphJson } from '../graph/graph-transport.js';
import type { MailTransport } from './mailbox-gate.js';
import type { ResolvedMailbox } from './mail-location.js';
import { IMMUTABLE_IDS, mailPaths } from './mail-paths.js';
import { mailFolderSchema } from './mail-schemas.js';

export const OUTSIDE_FOLDER_ID = 'outside-source';

/** Folder depth in Outlook is bounded in practice; a longer chain is treated as broken (out of scope). */
const MAX_DEPTH = 64;

export class FolderScope {
  /** Parent of each folder seen in this page (or read from Graph for it). */
  private readonly parents = new Map<string, string>();
  private readonly verdicts = new Map<string, boolean>();

  constructor(
    private readonly transport: MailTransport,
    private readonly source: SourceKey,
    private readonly mailbox: ResolvedMailbox,
  ) {}

  get rootId(): string {
    return this.mailbox.scopeItemId ?? '';
  }

  remember(folderId: string, parentId: string | null | undefined): void {
    this.parents.set(folderId, parentId ?? this.rootId);
    this.verdicts.clear();
  }

  /** Whether the folder's messages belong to the source. */
  async includes(folderId: string, depth = 0): Promise<boolean> {
    if (folderId === this.rootId || depth > MAX_DEPTH) return false;
    const known = this.verdicts.get(folderId);
    if (known !== undefined) return known;
    const verdict = await this.decide(folderId, depth);
    this.verdicts.set(folderId, verdict);
    return verdict;
  }

  /** Where the folder hangs in the source's tree. */
  async parentInTree(folderId: string): Promise<string> {
    if (!(await this.includes(folderId))) return OUTSIDE_FOLDER_ID;
    const parent = await this.parentOf(folderId);
    return parent === undefined || parent === this.rootId || !(await this.includes(parent)) ? this.rootId : parent;
  }

  private async decide(folderId: string, depth: number): Promise<boolean> {
    const { scopeFolderIds, includeChildFolders, excludedFolderIds } = this.mailbox;
    if (Array.isArray(excludedFolderIds) && excludedFolderIds.includes(folderId)) return false;
    if (scopeFolderIds?.includes(folderId)) return true;
    if (scopeFolderIds && !includeChildFolders) return false;
    const parent = await this.parentOf(folderId);
    if (parent === undefined) return false;
    if (parent === this.rootId) return scopeFolderIds === null;
    return this.includes(parent, depth + 1);
  }

  private async parentOf(folderId: string): Promise<string | undefined> {
    if (this.parents.has(folderId)) return this.parents.get(folderId);
    const response = await this.transport.send(
      this.source,
      { method: 'GET', url: mailPaths.folder(this.mailbox.userId, folderId), headers: IMMUTABLE_IDS },
      'mail folder',
    );
    if (response.status === 404) {
      // Gone since the page was made: it, and what hangs below it, is not in the source.
      await discardBody(response);
      return undefined;
    }
    if (!response.ok) throw await failureFrom(response, { what: 'mail folder', missingMeans: 'thing' });
    const folder = await readGraphJson(response, mailFolderSchema, 'mail folder');
    this.parents.set(folderId, folder.parentFolderId ?? this.rootId);
    return this.parents.get(folderId);
  }
}
