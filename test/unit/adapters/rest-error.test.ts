// isRestError over the errors the Azure SDKs really throw: each SDK client talks to a loopback server
// that fails like the storage service (status, x-ms-error-code header, error body), so the RestError
// is the one the SDK builds, with the service code wherever that SDK puts it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RestError, TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';
import { isRestError, restErrorStatus, serviceErrorCode } from '../../../shared/adapters/azure/rest-error.js';

/** Runs `call` against a loopback server that answers every request like the storage service fails. */
async function failureFrom(
  answer: { status: number; errorCode: string; contentType: string; body: string },
  call: (baseUrl: string) => Promise<unknown>,
): Promise<unknown> {
  const server = createServer((_request, response) => {
    response.writeHead(answer.status, { 'x-ms-error-code': answer.errorCode, 'content-type': answer.contentType });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    await call(`http://127.0.0.1:${port}/devstoreaccount1`);
  } catch (error) {
    return error;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  throw new Error('the call did not fail');
}

function tableFailure(status: number, errorCode: string): Promise<unknown> {
  const body = JSON.stringify({ 'odata.error': { code: errorCode, message: { lang: 'en-US', value: 'no' } } });
  return failureFrom({ status, errorCode, contentType: 'application/json;odata=minimalmetadata', body }, (url) =>
    new TableClient(url, 'items', { allowInsecureConnection: true }).getEntity('p', 'r'),
  );
}

function queueFailure(status: number, errorCode: string): Promise<unknown> {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${errorCode}</Code><Message>no</Message></Error>`;
  return failureFrom({ status, errorCode, contentType: 'application/xml', body }, (url) =>
    new QueueClient(`${url}/jobs`, undefined, { retryOptions: { maxTries: 1 } }).deleteMessage('m', 'receipt'),
  );
}

describe('isRestError', () => {
  it('matches a Table Storage failure by status alone', async () => {
    const error = await tableFailure(404, 'ResourceNotFound');
    expect(error).toBeInstanceOf(RestError);
    expect(isRestError(error, 404)).toBe(true);
    expect(isRestError(error, 409)).toBe(false);
  });

  it('matches a Table Storage failure by status and service code (the SDK leaves `code` empty there)', async () => {
    const error = await tableFailure(409, 'EntityAlreadyExists');
    expect(serviceErrorCode(error)).toBe('EntityAlreadyExists');
    expect(isRestError(error, 409, 'EntityAlreadyExists')).toBe(true);
  });

  it('refuses a Table Storage failure whose service code differs', async () => {
    const error = await tableFailure(404, 'TableNotFound');
    expect(isRestError(error, 404, 'ResourceNotFound')).toBe(false);
    expect(isRestError(error, 404, 'TableNotFound')).toBe(true);
  });

  it('matches a Storage Queue failure by status and service code, and refuses another code', async () => {
    const error = await queueFailure(404, 'MessageNotFound');
    expect(error).toBeInstanceOf(RestError);
    expect(isRestError(error, 404)).toBe(true);
    expect(isRestError(error, 404, 'MessageNotFound')).toBe(true);
    expect(isRestError(error, 404, 'QueueNotFound')).toBe(false);
  });

  it('reads the code of a RestError built with one, and refuses a network failure (no status)', () => {
    const busy = new RestError('busy', { statusCode: 503, code: 'ServerBusy' });
    expect(isRestError(busy, 503, 'ServerBusy')).toBe(true);
    const refused = new RestError('connect ECONNREFUSED', { code: 'ECONNREFUSED' });
    expect(restErrorStatus(refused)).toBeUndefined();
    expect(isRestError(refused, 503)).toBe(false);
  });

  it('refuses anything that is not an SDK failure', () => {
    for (const value of [new Error('404'), { statusCode: '404' }, 'RestError 404', 404, null, undefined]) {
      expect(isRestError(value, 404)).toBe(false);
      expect(serviceErrorCode(value)).toBeUndefined();
    }
  });
});
