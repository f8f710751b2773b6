// Turns what an HTTP handler returned (HttpResponseInit or HttpResponse) into the Node response, the
// way @azure/functions does before handing it to the host: both go through `new HttpResponse(init)`,
// so jsonBody, strings, Buffers, ReadableStreams and AsyncIterables behave exactly as in Azure. The
// body is piped, never buffered, so streamed downloads stay streamed.
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import azureFunctions from '@azure/functions';
import type { Cookie, HttpResponse } from '@azure/functions';

export function toHttpResponse(result: unknown): HttpResponse | undefined {
  if (result === undefined || result === null) return undefined;
  if (result instanceof azureFunctions.HttpResponse) return result;
  if (typeof result !== 'object') {
    // The library rejects this too ("The HTTP response must be an object ..."), which ends in a 500.
    throw new TypeError('an HTTP handler must return an object (HttpResponseInit or HttpResponse)');
  }
  return new azureFunctions.HttpResponse(result);
}

export function serialiseCookie(cookie: Cookie): string {
  const parts = [`${cookie.name}=${cookie.value}`];
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  if (cookie.path) parts.push(`Path=${cookie.path}`);
  if (cookie.expires !== undefined) parts.push(`Expires=${new Date(cookie.expires).toUTCString()}`);
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${cookie.maxAge}`);
  if (cookie.secure) parts.push('Secure');
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  return parts.join('; ');
}

/** Writes status, headers, cookies and the streamed body. No result means an empty 204. */
export async function writeHttpResponse(target: ServerResponse, response: HttpResponse | undefined): Promise<void> {
  if (!response) {
    target.writeHead(204).end();
    return;
  }
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') target.setHeader(name, value);
  }
  const cookies = [...response.headers.getSetCookie(), ...response.cookies.map(serialiseCookie)];
  if (cookies.length > 0) target.setHeader('set-cookie', cookies);
  target.statusCode = response.status;
  const body = response.body;
  // As in Azure, a HEAD answer carries the headers only: the body is released, never read.
  if (target.req?.method === 'HEAD') await body?.cancel();
  if (!body || target.req?.method === 'HEAD') {
    target.end();
    return;
  }
  await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), target);
}
