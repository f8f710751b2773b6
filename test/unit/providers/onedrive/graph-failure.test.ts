import { describe, expect, it } from 'vitest';
import {
  classifyGraphFailure,
  isRefusedToken,
  networkFailure,
  type FailureTarget,
} from '../../../../shared/providers/microsoft/graph/graph-failure.js';
import {
  CursorExpiredError,
  NotFoundError,
  PermanentSourceError,
  ReauthRequiredError,
  TransientError,
} from '../../../../shared/core/domain/errors.js';

const headers = (values: Record<string, string> = {}) => new Headers(values);
const delta: FailureTarget = {
  what: 'drive',
  missingMeans: 'source',
  delta: { restartCursor: (location) => location ?? undefined },
};
const subscription: FailureTarget = { what: 'subscription', missingMeans: 'thing' };

describe('classifyGraphFailure', () => {
  it('410 on delta → CursorExpiredError carrying the Location as restart cursor', () => {
    const error = classifyGraphFailure(
      { status: 410, code: 'resyncRequired', headers: headers({ location: 'https://g/v1.0/restart' }) },
      delta,
    );
    expect(error).toBeInstanceOf(CursorExpiredError);
    expect((error as CursorExpiredError).restartCursor).toBe('https://g/v1.0/restart');
  });

  it('410 without Location → CursorExpiredError with no restart cursor (restart from scratch)', () => {
    const error = classifyGraphFailure({ status: 410, code: undefined, headers: headers() }, delta);
    expect(error).toBeInstanceOf(CursorExpiredError);
    expect((error as CursorExpiredError).restartCursor).toBeUndefined();
  });

  it('a resync code on another status still means the cursor expired, on delta only', () => {
    expect(classifyGraphFailure({ status: 400, code: 'syncStateNotFound', headers: headers() }, delta)).toBeInstanceOf(
      CursorExpiredError,
    );
    expect(
      classifyGraphFailure({ status: 400, code: 'syncStateNotFound', headers: headers() }, subscription),
    ).toBeInstanceOf(PermanentSourceError);
  });

  it('404 is permanent for the source, or NotFound for a thing', () => {
    const gone = classifyGraphFailure({ status: 404, code: 'itemNotFound', headers: headers() }, delta);
    expect(gone).toBeInstanceOf(PermanentSourceError);
    expect((gone as PermanentSourceError).status).toBe(404);
    expect(
      classifyGraphFailure({ status: 404, code: 'itemNotFound', headers: headers() }, subscription),
    ).toBeInstanceOf(NotFoundError);
  });

  it('403 accessDenied is permanent; 403 activityLimitReached is throttling', () => {
    expect(classifyGraphFailure({ status: 403, code: 'accessDenied', headers: headers() }, delta)).toBeInstanceOf(
      PermanentSourceError,
    );
    const throttled = classifyGraphFailure(
      { status: 403, code: 'activityLimitReached', headers: headers({ 'retry-after': '7' }) },
      delta,
    );
    expect(throttled).toBeInstanceOf(TransientError);
    expect((throttled as TransientError).retryAfterMs).toBe(7000);
  });

  it('401 (after the transport retried once) is transient: only the token endpoint can say the grant is gone', () => {
    const error = classifyGraphFailure({ status: 401, code: 'InvalidAuthenticationToken', headers: headers() }, delta);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(ReauthRequiredError);
  });

  it('a 401 refuses the token itself when it says InvalidAuthenticationToken or challenges for a Bearer token', () => {
    const challenge = headers({ 'www-authenticate': 'Bearer realm="", authorization_uri="https://login/x"' });
    expect(isRefusedToken({ status: 401, code: 'InvalidAuthenticationToken', headers: headers() })).toBe(true);
    expect(isRefusedToken({ status: 401, code: undefined, headers: challenge })).toBe(true);
    expect(isRefusedToken({ status: 401, code: undefined, headers: headers() })).toBe(false);
    expect(isRefusedToken({ status: 403, code: 'InvalidAuthenticationToken', headers: challenge })).toBe(false);
  });

  it('429/503/5xx → TransientError with the larger of Retry-After and RateLimit-Reset', () => {
    const throttled = classifyGraphFailure(
      { status: 429, code: 'TooManyRequests', headers: headers({ 'retry-after': '2.128', 'ratelimit-reset': '9' }) },
      delta,
    );
    expect(throttled).toBeInstanceOf(TransientError);
    expect((throttled as TransientError).retryAfterMs).toBe(9000);
    const fractional = classifyGraphFailure(
      { status: 503, code: 'serviceNotAvailable', headers: headers({ 'retry-after': '2.128' }) },
      delta,
    );
    expect((fractional as TransientError).retryAfterMs).toBe(2128);
    const server = classifyGraphFailure({ status: 500, code: 'generalException', headers: headers() }, delta);
    expect(server).toBeInstanceOf(TransientError);
    expect((server as TransientError).retryAfterMs).toBeUndefined();
  });

  it('another 4xx is permanent and says the status and code, never a URL', () => {
    const error = classifyGraphFailure({ status: 400, code: 'invalidRequest', headers: headers() }, subscription);
    expect(error).toBeInstanceOf(PermanentSourceError);
    expect(error.message).toContain('400 invalidRequest');
    expect(error.message).not.toMatch(/https?:/);
  });

  it('no answer at all is transient and names the system error', () => {
    const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const error = networkFailure('drive', new TypeError('fetch failed', { cause }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toContain('ECONNRESET');
  });
});
