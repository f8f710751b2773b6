// Outlook's per-mailbox concurrency limit (throttling-limits, Outlook service limits: 4 concurrent
// requests per app and mailbox): with a per-request latency set through the control, the fifth
// request in flight is answered 429 ApplicationThrottled with Retry-After; other mailboxes and
// requests after the others finished are not affected.
import { describe, expect, it } from 'vitest';
import { graphGet } from '../sandbox/sandbox-test-kit.js';
import { expectGraphError, mailToken, meUrl, useMailSandbox } from './mail-test-kit.js';

describe('mail sandbox throttling', () => {
  const f = useMailSandbox();

  it('answers the fifth concurrent request to one mailbox with 429 MailboxConcurrency and Retry-After', async () => {
    f.sandbox.mail.setThrottling({ latencyMs: 300 });
    const url = meUrl(f.sandbox, 'mailFolders/inbox');
    const other = await f.sandbox.control.createUser({ displayName: 'Other Mailbox' });
    const otherToken = await mailToken(f.sandbox, other.id);
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => graphGet(url, f.token)),
      graphGet(`${f.sandbox.graphBaseUrl}/users/${other.id}/mailFolders/inbox`, otherToken),
    ]);
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    const throttled = results.find((result) => result.status === 429)!;
    const error = expectGraphError(throttled, 429, 'ApplicationThrottled');
    expect(error.message).toBe('Application is over its MailboxConcurrency limit.');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);

    // Slots are freed when requests end.
    expect((await graphGet(url, f.token)).status).toBe(200);
  });

  it('takes the limit from the control', async () => {
    f.sandbox.mail.setThrottling({ latencyMs: 200, maxConcurrentPerMailbox: 1 });
    const url = meUrl(f.sandbox, 'mailFolders/inbox');
    const statuses = (await Promise.all([graphGet(url, f.token), graphGet(url, f.token)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 429]);
  });
});
