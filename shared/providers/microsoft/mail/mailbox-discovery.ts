// Discovery: from the mailbox and folders a registration names to the ids the engine stores. The
// mailbox is kept by its owner's id as given (a UPN works in every mail URL; turning it into an
// object id would need User.Read.All); `{ me: true }` asks /me once, so later calls (and app-only
// access) use /users/{id} like any other mailbox.
import { NotFoundError } from '../../../core/domain/errors.js';
import type { SourceKey } from '../../../core/domain/source.js';
import { discardBody, failureFrom, readGraphJson } from '../graph/graph-transport.js';
import type { MailTransport } from './mailbox-gate.js';
import type { MailLocation, ResolvedMailbox } from './mail-location.js';
import { IMMUTABLE_IDS, mailPaths } from './mail-paths.js';
import { mailFolderSchema, userIdSchema } from './mail-schemas.js';

/** Left out of a source of every folder: Outlook's delete moves a message there. */
const EXCLUDED_BY_DEFAULT = ['deleteditems', 'junkemail'] as const;

export async function resolveMailbox(
  transport: MailTransport,
  source: SourceKey,
  location: MailLocation,
): Promise<ResolvedMailbox> {
  const userId = 'me' in location.mailbox ? await signedInUserId(transport, source) : location.mailbox.userId;
  const root = await getFolder(transport, source, userId, 'msgfolderroot');
  if (!root) throw new NotFoundError('mailbox');
  const resolved: ResolvedMailbox = {
    userId,
    scopeItemId: root,
    scopeFolderIds: null,
    includeChildFolders: location.includeChildFolders,
  };
  if (location.folders) {
    const ids: string[] = [];
    for (const folder of location.folders) {
      const id = await getFolder(transport, source, userId, folder);
      if (!id) throw new NotFoundError(`mail folder ${folder}`);
      ids.push(id);
    }
    resolved.scopeFolderIds = [...new Set(ids)];
  } else {
    const excluded: string[] = [];
    for (const name of EXCLUDED_BY_DEFAULT) {
      const id = await getFolder(transport, source, userId, name);
      if (id) excluded.push(id);
    }
    resolved.excludedFolderIds = excluded;
  }
  return resolved;
}

/** The folder's immutable id; undefined when the mailbox has no such folder. */
export async function getFolder(
  transport: MailTransport,
  source: SourceKey,
  userId: string,
  folder: string,
): Promise<string | undefined> {
  const response = await transport.send(
    source,
    { method: 'GET', url: mailPaths.folder(userId, folder), headers: IMMUTABLE_IDS },
    'mail folder',
  );
  if (response.status === 404) {
    await discardBody(response);
    return undefined;
  }
  if (!response.ok) throw await failureFrom(response, { what: 'mailbox', missingMeans: 'thing' });
  return (await readGraphJson(response, mailFolderSchema, 'mail folder')).id;
}

async function signedInUserId(transport: MailTransport, source: SourceKey): Promise<string> {
  const response = await transport.sendOk(
    source,
    { method: 'GET', url: mailPaths.me() },
    { what: 'signed-in user', missingMeans: 'thing' },
  );
  return (await readGraphJson(response, userIdSchema, 'signed-in user')).id;
}
