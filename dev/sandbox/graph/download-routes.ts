// The pre-authenticated download URLs the sandbox hands out from /content (docs/graph-behaviour.md §2):
// no Authorization header needed; Range → 206 with Content-Range (or 200 with the whole file when
// the range cannot be served as one part), unsatisfiable → 416 invalidRange; If-None-Match → 304.
import type { SandboxContext } from '../sandbox-context.js';
import type { SandboxRequest, SandboxResponse } from '../http/sandbox-http.js';
import { graphError } from './graph-errors.js';
import { entityTags } from './graph-routes.js';

export function registerDownloadRoutes(context: SandboxContext): void {
  context.router.add('GET', /^\/_download\/(?<token>[^/]+)$/, 'download', (request, params) =>
    download(context, request, params.token!),
  );
}

function download(context: SandboxContext, request: SandboxRequest, token: string): SandboxResponse {
  const now = context.clock.now();
  const claim = context.downloads.verify(token);
  if (claim === undefined) return graphError(request, 401, 'unauthenticated', 'The download URL is not valid.', now);
  if (claim === 'expired') return graphError(request, 401, 'unauthenticated', 'The download URL has expired.', now);
  const drive = context.tenant.getDrive(claim.d);
  const item = drive?.items.get(claim.i);
  if (!item || item.deleted || !item.content)
    return graphError(request, 404, 'itemNotFound', 'The resource could not be found.', now);
  const content = item.content;
  const eTag = `"{${item.guid}},${item.version}"`;
  const headers: Record<string, string> = {
    'content-type': item.mimeType ?? 'application/octet-stream',
    etag: eTag,
    'accept-ranges': 'bytes',
  };

  const ifNoneMatch = request.headers['if-none-match'];
  if (typeof ifNoneMatch === 'string' && entityTags(ifNoneMatch).includes(eTag)) {
    return { status: 304, headers: { etag: eTag }, ru: 0 };
  }
  const range = request.headers.range;
  if (typeof range === 'string') {
    const parsed = parseSingleRange(range, content.length);
    if (parsed === 'unsatisfiable') {
      return {
        ...graphError(request, 416, 'invalidRange', 'The requested range is not satisfiable.', now, {
          'content-range': `bytes */${content.length}`,
        }),
        ru: 0,
      };
    }
    if (parsed) {
      return {
        status: 206,
        headers: { ...headers, 'content-range': `bytes ${parsed.start}-${parsed.end}/${content.length}` },
        body: content.subarray(parsed.start, parsed.end + 1),
        ru: 0,
      };
    }
  }
  return { status: 200, headers, body: content, ru: 0 };
}

/** One "bytes=a-b" / "bytes=a-" / "bytes=-n" range; undefined (serve 200) for anything else, e.g. multiple ranges. */
function parseSingleRange(
  header: string,
  length: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, length - suffix), end: length - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? length - 1 : Math.min(Number(match[2]), length - 1);
  if (start >= length || start > end) return 'unsatisfiable';
  return { start, end };
}
