// An opt-in look at every answer the local host sends, for tests that check answers against the
// OpenAPI document (test/support/contract-recorder.ts). The body is taken from what the handler
// returned when that is text (json() and problem() answers are strings); streamed bodies (file
// downloads) are never touched, so streaming stays as it is. Without an observer nothing here runs.
import type { HttpResponse } from '@azure/functions';

export interface ObservedResponse {
  method: string;
  /** Path and query, e.g. /api/kbs/kb1/changes?limit=10. */
  url: string;
  status: number;
  /** Without parameters (no "; charset=…"); undefined when the answer has none. */
  contentType: string | undefined;
  /** The body when the handler gave it as text or jsonBody; undefined for streams and HEAD. */
  body: string | undefined;
}

export type ResponseObserver = (response: ObservedResponse) => void;

export function observeResponse(
  observer: ResponseObserver | undefined,
  request: { method: string; url: URL },
  response: HttpResponse | undefined,
  returned: unknown,
): void {
  if (!observer) return;
  const contentType = response?.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() || undefined;
  observer({
    method: request.method,
    url: `${request.url.pathname}${request.url.search}`,
    status: response?.status ?? 204,
    contentType,
    body: request.method === 'HEAD' ? undefined : textOf(returned),
  });
}

function textOf(returned: unknown): string | undefined {
  if (typeof returned !== 'object' || returned === null) return undefined;
  const { body, jsonBody } = returned as { body?: unknown; jsonBody?: unknown };
  if (typeof body === 'string') return body;
  return jsonBody === undefined ? undefined : JSON.stringify(jsonBody);
}
