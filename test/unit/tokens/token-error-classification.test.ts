import { describe, expect, it } from 'vitest';
import {
  classifyTokenFailure,
  parseRetryAfter,
} from '../../../shared/providers/microsoft/identity/token-error-classification.js';

function body(error: string, code?: number) {
  return {
    error,
    error_description: `AADSTS${code}: something. Trace ID: x`,
    error_codes: code === undefined ? undefined : [code],
    timestamp: '2026-11-23 10:00:00Z',
  };
}

describe('classifyTokenFailure', () => {
  it.each([
    [400, 'invalid_grant', 70000],
    [400, 'invalid_grant', 70008],
    [400, 'invalid_grant', 700082],
    [400, 'invalid_grant', 50173],
    [400, 'invalid_grant', 70043],
    [400, 'interaction_required', 50076],
    [400, 'invalid_request', 900144],
    [400, 'invalid_scope', 70011],
  ])('%i %s AADSTS%i is permanent and the grant is dead', (status, error, code) => {
    const failure = classifyTokenFailure(status, body(error, code));
    expect(failure).toMatchObject({ kind: 'permanent', error, code, appSide: false });
    expect(failure.reason).toContain(`AADSTS${code}`);
    expect(failure.reason).toMatch(/reconnect the source/);
  });

  it.each([
    [401, 'invalid_client', 7000215],
    [401, 'invalid_client', 7000222],
    [400, 'unauthorized_client', 700016],
  ])('%i %s AADSTS%i is permanent on the app side (probe allowed)', (status, error, code) => {
    expect(classifyTokenFailure(status, body(error, code))).toMatchObject({
      kind: 'permanent',
      error,
      code,
      appSide: true,
    });
  });

  it('says what happened for the two must-show codes', () => {
    expect(classifyTokenFailure(400, body('invalid_grant', 50173)).reason).toMatch(/grant was revoked \(AADSTS50173\)/);
    expect(classifyTokenFailure(400, body('invalid_grant', 700082)).reason).toMatch(
      /90 days without use \(AADSTS700082\)/,
    );
  });

  it('gives unknown codes of a permanent error a generic reason with the code', () => {
    expect(classifyTokenFailure(400, body('invalid_grant', 123456)).reason).toBe(
      'the token endpoint refused the grant (invalid_grant, AADSTS123456); reconnect the source',
    );
  });

  it('never copies the error_description into the reason', () => {
    const failure = classifyTokenFailure(400, {
      ...body('invalid_grant', 999),
      error_description: 'AADSTS999: token sbx-rt.abc',
    });
    expect(failure.reason).not.toContain('sbx-rt');
  });

  it.each([
    [500, undefined],
    [502, 'not json'],
    [503, body('temporarily_unavailable')],
    [504, undefined],
    [429, body('too_many_requests')],
    [408, undefined],
    [400, body('temporarily_unavailable')],
    [400, body('server_error')],
    [400, { message: 'gateway page' }],
  ])('%i %j is transient', (status, answer) => {
    expect(classifyTokenFailure(status, answer).kind).toBe('transient');
  });

  it('treats no answer at all (timeout, reset) as transient', () => {
    expect(classifyTokenFailure(undefined, undefined)).toEqual({
      kind: 'transient',
      reason: 'the token endpoint did not answer',
      retryAfterMs: undefined,
    });
  });

  it('carries Retry-After on transient failures', () => {
    expect(classifyTokenFailure(429, undefined, '2.128')).toMatchObject({ kind: 'transient', retryAfterMs: 2128 });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, fractional seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(50_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
