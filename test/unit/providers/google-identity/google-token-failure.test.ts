// Classification of failed answers of Google's token endpoint: each invalid_grant description Google
// sends maps to its readable reason, app-side errors are marked so, and what may pass is transient.
import { describe, expect, it } from 'vitest';
import {
  classifyGoogleTokenFailure,
  DEAD_GRANT_CAUSES,
  parseRetryAfterMs,
} from '../../../../shared/providers/google/identity/google-token-failure.js';

const answer = (status: number | undefined, body: unknown, retryAfter?: string) => ({ status, body, retryAfter });
const invalidGrant = (error_description?: string, extra: Record<string, string> = {}) =>
  classifyGoogleTokenFailure(answer(400, { error: 'invalid_grant', error_description, ...extra }));

describe('invalid_grant causes', () => {
  it.each([
    ['Token has been expired or revoked.', /expired or revoked \(the user revoked access, it was unused for 6 months/],
    ['Bad Request', /does not recognise the refresh token/],
    ['Account has been deleted', /Google account was deleted/],
    ['Malformed auth code.', /authorization code as malformed/],
    ['Invalid code verifier.', /PKCE verifier does not match/],
    ['Code was already redeemed.', /already redeemed/],
    ['Missing code verifier.', /no PKCE verifier/],
  ])('"%s" → its own reason', (description, reason) => {
    const failure = invalidGrant(description);
    expect(failure).toMatchObject({ kind: 'permanent', error: 'invalid_grant', appSide: false });
    expect(failure.reason).toMatch(reason);
  });

  it('names every documented cause when the description does not single one out', () => {
    const reason = invalidGrant('Token has been expired or revoked.').reason;
    for (const cause of ['revoked', '6 months', 'Testing', '7 days', 'too many live refresh tokens', 'password']) {
      expect(reason).toContain(cause);
    }
  });

  it('the RAPT subtype is the Workspace reauthentication policy', () => {
    expect(invalidGrant('reauth related error (invalid_rapt)', { error_subtype: 'invalid_rapt' }).reason).toMatch(
      /Workspace admin requires them to sign in again/,
    );
  });

  it('an unknown or missing description gets the list of causes and is never echoed', () => {
    const echoed = invalidGrant('token 1//0abcSECRET is not valid for client 123');
    expect(echoed.kind).toBe('permanent');
    expect(echoed.reason).toContain(DEAD_GRANT_CAUSES);
    expect(echoed.reason).not.toContain('SECRET');
    expect(invalidGrant(undefined).reason).toContain(DEAD_GRANT_CAUSES);
  });
});

describe('other errors', () => {
  it.each(['invalid_client', 'unauthorized_client', 'deleted_client', 'redirect_uri_mismatch'])(
    '%s is permanent and the app’s to fix',
    (error) => {
      const failure = classifyGoogleTokenFailure(answer(401, { error, error_description: 'Unauthorized' }));
      expect(failure).toMatchObject({ kind: 'permanent', error, appSide: true });
      expect(failure.reason).toContain('GOOGLE_CLIENT_ID');
    },
  );

  it('admin_policy_enforced is permanent and not the app’s credential', () => {
    expect(classifyGoogleTokenFailure(answer(400, { error: 'admin_policy_enforced' }))).toMatchObject({
      kind: 'permanent',
      appSide: false,
    });
  });

  it.each([500, 502, 503, 429, 408])('%i is transient with the Retry-After it gave', (status) => {
    expect(classifyGoogleTokenFailure(answer(status, { error: 'internal_failure' }, '7'))).toEqual({
      kind: 'transient',
      reason: `the Google token endpoint answered ${status}`,
      retryAfterMs: 7_000,
    });
  });

  it('no answer is transient', () => {
    expect(classifyGoogleTokenFailure(answer(undefined, undefined))).toMatchObject({ kind: 'transient' });
  });

  it('a 4xx without an OAuth body, and an unknown code, are transient; the unknown code is echoed only if it is a word', () => {
    expect(classifyGoogleTokenFailure(answer(400, '<html>proxy</html>'))).toMatchObject({ kind: 'transient' });
    expect(classifyGoogleTokenFailure(answer(400, { error: 'temporarily_unavailable' })).reason).toContain(
      'temporarily_unavailable',
    );
    expect(classifyGoogleTokenFailure(answer(400, { error: 'x" secret=abc' })).reason).not.toContain('secret');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfterMs('1.5')).toBe(1_500);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });
});
