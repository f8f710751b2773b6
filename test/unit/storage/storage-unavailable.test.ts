// Which errors mean "storage cannot be reached now" (503 + Retry-After) and which are the request's
// or the app's own problem (kept as they are).
import { describe, expect, test } from 'vitest';
import { isStorageUnavailable } from '../../../shared/adapters/storage/storage-unavailable.js';

/** The shape the Azure SDKs throw (RestError from @azure/core-rest-pipeline). */
function restError(fields: { code?: string; statusCode?: number }): Error {
  return Object.assign(new Error('request failed'), { name: 'RestError', ...fields });
}

describe('isStorageUnavailable', () => {
  test.each([
    ['a refused connection', restError({ code: 'ECONNREFUSED' })],
    ['a reset connection', restError({ code: 'ECONNRESET' })],
    ['a RestError without a status', restError({})],
    ['a busy service (503)', restError({ statusCode: 503, code: 'ServerBusy' })],
    ['a try that timed out', Object.assign(new Error('aborted'), { name: 'AbortError' })],
    ['a raw socket error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a dual-stack refusal', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])],
    ['a wrapped cause', new Error('reading the grant failed', { cause: restError({ code: 'ETIMEDOUT' }) })],
  ])('%s is an outage', (_what, error) => {
    expect(isStorageUnavailable(error)).toBe(true);
  });

  test.each([
    ['a missing entity (404)', restError({ statusCode: 404, code: 'ResourceNotFound' })],
    ['a conflict (409)', restError({ statusCode: 409 })],
    ['a precondition failure (412)', restError({ statusCode: 412 })],
    ['a programming error', new TypeError('x is undefined')],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('%s is not', (_what, error) => {
    expect(isStorageUnavailable(error)).toBe(false);
  });
});
