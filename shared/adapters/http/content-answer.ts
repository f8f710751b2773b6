// How a provider's content answer goes out to the host. A 416 becomes a complete problem+json that
// keeps `Content-Range: bytes */size` (RFC 9110 §15.5.17), so a client learns the size and never waits
// for bytes that will not come. HEAD gets GET's status and headers, and the body is released unread.
import type { HttpResponseInit } from '@azure/functions';
import type { ContentResponse } from '../../core/ports/provider-ports.js';
import { problem } from './problem.js';

export function contentAnswer(response: ContentResponse, method: string): HttpResponseInit {
  const { status, headers, body } = response;
  if (status === 416) return rangeNotSatisfiable(headers['content-range']);
  if (method.toUpperCase() === 'HEAD') {
    // Closes the download from the provider too: nothing of it is read.
    body?.destroy();
    return { status, headers };
  }
  return { status, headers, ...(body ? { body } : {}) };
}

function rangeNotSatisfiable(contentRange: string | undefined): HttpResponseInit {
  const answer = problem(416, 'range not satisfiable', 'the Range header lies outside the file');
  const text = answer.body as string;
  return {
    ...answer,
    headers: {
      ...(answer.headers as Record<string, string>),
      'content-length': String(Buffer.byteLength(text)),
      ...(contentRange ? { 'content-range': contentRange } : {}),
    },
  };
}
