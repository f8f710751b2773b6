// One page of a drive's changes through root delta (docs/graph-behaviour.md §1). The cursor the engine
// stores is the absolute nextLink/deltaLink Graph returned, opaque to it; query options of the
// first request ($select) travel inside those links.
import type { ChangePage } from '../../../core/domain/remote-item.js';
import type { SourceRecord } from '../../../core/domain/source.js';
import { driveOf } from './drive-location.js';
import { CursorExpiredError } from '../../../core/domain/errors.js';
import { toRemoteItem } from './drive-item-mapping.js';
import { graphPaths } from './graph-paths.js';
import { deltaPageSchema } from './graph-schemas.js';
import { failureFrom, readGraphJson, type GraphTransport } from '../graph/graph-transport.js';

export async function fetchDeltaPage(
  transport: GraphTransport,
  source: SourceRecord,
  cursor: string | undefined,
): Promise<ChangePage> {
  if (cursor !== undefined && !transport.isGraphUrl(cursor)) {
    // A link from another Graph endpoint (GRAPH_BASE_URL changed) cannot be served here: restart.
    throw new CursorExpiredError(undefined);
  }
  const url = cursor ?? graphPaths.rootDelta(driveOf(source).driveId);
  const response = await transport.send(source, { method: 'GET', url }, 'drive changes');
  if (!response.ok) {
    throw await failureFrom(response, {
      what: 'drive',
      missingMeans: 'source',
      delta: {
        // The Location of a 410 restarts enumeration; it is optional, and restarting without a
        // token works too (docs/graph-behaviour.md §1), so anything unusable becomes "start over".
        restartCursor: (location) => {
          if (!location) return undefined;
          const absolute = resolveAgainst(location, response.url || transport.graphOrigin);
          return absolute !== undefined && transport.isGraphUrl(absolute) ? absolute : undefined;
        },
      },
    });
  }
  const page = await readGraphJson(response, deltaPageSchema, 'drive changes');
  const items = page.value.map(toRemoteItem);
  const nextLink = page['@odata.nextLink'];
  return nextLink !== undefined ? { items, nextCursor: nextLink } : { items, finalCursor: page['@odata.deltaLink'] };
}

/** Absolute links are kept byte for byte (URL would re-encode them); relative ones are resolved. */
function resolveAgainst(location: string, base: string): string | undefined {
  try {
    const resolved = new URL(location, base).toString();
    return /^https?:\/\//i.test(location) ? location : resolved;
  } catch {
    return undefined;
  }
}
