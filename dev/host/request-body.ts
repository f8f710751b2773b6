// Reads a request body up to a size limit. Past the limit it stops reading and reports `tooLarge`
// without buffering the rest: a declared Content-Length is refused before any byte is read, and a
// chunked body is refused as soon as the running total passes the limit. The Functions host's own
// limit is 100 MB (Microsoft Learn, "Azure Functions HTTP trigger", Limits).
import type { IncomingMessage } from 'node:http';

export const AZURE_MAX_REQUEST_BODY_BYTES = 104_857_600;

export type RequestBody = { kind: 'read'; bytes: Buffer } | { kind: 'tooLarge' };

export async function readRequestBody(request: IncomingMessage, limitBytes: number): Promise<RequestBody> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    request.pause();
    return { kind: 'tooLarge' };
  }
  return new Promise<RequestBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (result: RequestBody) => {
      request.off('data', onData).off('end', onEnd).off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limitBytes) {
        // Stop reading; the caller answers 413 and closes the connection.
        request.pause();
        chunks.length = 0;
        finish({ kind: 'tooLarge' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'read', bytes: Buffer.concat(chunks) });
    const onError = (error: Error) => {
      request.off('data', onData).off('end', onEnd).off('error', onError);
      reject(error);
    };
    request.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
