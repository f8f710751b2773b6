// Every item below a folder, breadth first over `/items/{id}/children` with paging. The engine uses
// it when a folder moves into scope: delta then reports the folder, not its descendants
// (docs/graph-behaviour.md §1: renaming or moving a folder does not return its children).
import type { RemoteItem } from '../../../core/domain/remote-item.js';
import type { SourceRecord } from '../../../core/domain/source.js';
import { driveOf } from './drive-location.js';
import { toRemoteItem } from './drive-item-mapping.js';
import { graphPaths } from './graph-paths.js';
import { childrenPageSchema } from './graph-schemas.js';
import { discardBody, failureFrom, readGraphJson, type GraphTransport } from '../graph/graph-transport.js';

export async function* listSubtree(
  transport: GraphTransport,
  source: SourceRecord,
  folderId: string,
): AsyncGenerator<RemoteItem[]> {
  const pending: string[] = [folderId];
  // Guards against a cycle in a misbehaving server's answers; Graph trees have none.
  const visited = new Set<string>(pending);
  for (let folder = pending.shift(); folder !== undefined; folder = pending.shift()) {
    let url: string | undefined = graphPaths.children(driveOf(source).driveId, folder);
    while (url !== undefined) {
      const response = await transport.send(source, { method: 'GET', url }, 'folder listing');
      if (!response.ok) {
        // The folder itself is gone (moved again, deleted): the next delta will say so.
        if (response.status === 404 && folder !== folderId) {
          await discardBody(response);
          break;
        }
        throw await failureFrom(response, { what: 'folder', missingMeans: 'thing' });
      }
      const page = await readGraphJson(response, childrenPageSchema, 'folder listing');
      const items = page.value.map(toRemoteItem);
      for (const item of items) {
        if (item.isFolder && !item.deleted && !visited.has(item.id)) {
          visited.add(item.id);
          pending.push(item.id);
        }
      }
      if (items.length > 0) yield items;
      url = page['@odata.nextLink'];
    }
  }
}
