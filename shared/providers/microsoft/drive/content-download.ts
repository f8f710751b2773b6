// File content, streamed. `/content` answers 302 with a pre-authenticated download URL
// (docs/graph-behaviour.md §2); that URL is fetched WITHOUT our token (it needs none, and the token must
// not travel to the download host), and gets Range and If-None-Match. Nothing is buffered.
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { SourceRecord } from '../../../core/domain/source.js';
import { driveOf } from './drive-location.js';
import { TransientError } from '../../../core/domain/errors.js';
import type { ContentRequest, ContentResponse } from '../../../core/ports/provider-ports.js';
import { networkFailure } from '../graph/graph-failure.js';
import { graphPaths } from './graph-paths.js';
import { abortReason, discardBody, failureFrom, type GraphTransport } from '../graph/graph-transport.js';

/** Headers passed on to the caller (and from there to the host). */
export const FORWARDED_CONTENT_HEADERS = ['content-type', 'content-length', 'content-range', 'etag', 'accept-ranges'];

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** What an expired or revoked pre-authenticated URL answers: ask Graph for a fresh one, once. */
const STALE_URL_STATUSES = new Set([401, 403, 404, 410]);

const WHAT = 'item content';

export async function downloadContent(
  transport: GraphTransport,
  source: SourceRecord,
  itemId: string,
  request: ContentRequest,
): Promise<ContentResponse> {
  for (let attempt = 1; ; attempt += 1) {
    const redirect = await transport.send(
      source,
      {
        method: 'GET',
        url: graphPaths.content(driveOf(source).driveId, itemId),
        followRedirects: false,
        // If-None-Match is honoured by /content itself (304); Range only by the download URL.
        ...(request.ifNoneMatch ? { headers: { 'If-None-Match': request.ifNoneMatch } } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      },
      WHAT,
    );
    if (isContentAnswer(redirect.status)) return toContentResponse(redirect);
    const location = redirect.headers.get('location');
    if (!REDIRECT_STATUSES.has(redirect.status) || !location) {
      throw await failureFrom(redirect, { what: WHAT, missingMeans: 'thing' });
    }
    await discardBody(redirect);
    const download = await fetchDownloadUrl(new URL(location, redirect.url || transport.graphOrigin), request);
    if (isContentAnswer(download.status)) return toContentResponse(download);
    if (attempt === 1 && STALE_URL_STATUSES.has(download.status)) {
      await discardBody(download);
      continue;
    }
    if (download.status === 401 || download.status === 403) {
      // A fresh pre-authenticated URL refused too: the download host's problem, not our grant's.
      await discardBody(download);
      throw new TransientError(`the download URL for the ${WHAT} was refused twice (${download.status})`);
    }
    throw await failureFrom(download, { what: WHAT, missingMeans: 'thing' });
  }
}

async function fetchDownloadUrl(url: URL, request: ContentRequest): Promise<Response> {
  const headers: Record<string, string> = {};
  if (request.range) headers.Range = request.range;
  if (request.ifNoneMatch) headers['If-None-Match'] = request.ifNoneMatch;
  try {
    return await fetch(url, { headers, redirect: 'follow', ...(request.signal ? { signal: request.signal } : {}) });
  } catch (error) {
    if (request.signal?.aborted) throw abortReason(request.signal);
    throw networkFailure(WHAT, error);
  }
}

function isContentAnswer(status: number): status is ContentResponse['status'] {
  return status === 200 || status === 206 || status === 304 || status === 416;
}

/** A Graph answer with content as the provider port's ContentResponse (streamed, never buffered). */
export async function toContentResponse(response: Response): Promise<ContentResponse> {
  const status = response.status as ContentResponse['status'];
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_CONTENT_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  if (status === 304 || status === 416 || response.body === null) {
    await discardBody(response);
    // Its Content-Length described the body dropped here; passed on, it would make clients wait for it.
    delete headers['content-length'];
    return { status, headers };
  }
  return { status, headers, body: Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>) };
}
