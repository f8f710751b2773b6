// Throttling, resets and authentication failures, through the real Graph client against the
// sandbox: what the client retries itself, what the provider turns into which engine error.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CURSOR, type SourceKey, type SourceRecord } from '../../../shared/core/domain/source.js';
import { ReauthRequiredError, TransientError } from '../../../shared/core/domain/errors.js';
import type { TokenManager } from '../../../shared/core/ports/provider-ports.js';
import { startProviderHarness, type ProviderHarness } from '../../support/provider-harness.js';
import { FlakyTokenManager } from '../../support/sandbox-tokens.js';
import { sourceRecordFor } from '../../support/source-record.js';

const DELTA = '/root/delta';

describe('OneDrive provider: throttling and failures against the sandbox', () => {
  let harness: ProviderHarness;
  let source: SourceRecord;

  beforeAll(async () => {
    harness = await startProviderHarness();
    const drive = await harness.sandbox.control.createDrive({
      driveType: 'business',
      ownerUserId: harness.sandbox.defaultUserId,
    });
    source = sourceRecordFor(drive.driveId);
    await harness.sandbox.control.createFile(drive.driveId, drive.rootId, 'a.txt', 'a');
  });

  beforeEach(async () => {
    await harness.sandbox.control.clearFaults();
    await harness.sandbox.control.clearRequestLog();
  });

  afterAll(() => harness.stop());

  const deltaStatuses = async () =>
    (await harness.sandbox.control.requestLog())
      .filter((entry) => entry.path.endsWith(DELTA))
      .map((entry) => entry.status);

  it('a 429 with a fractional Retry-After is retried by the Graph client and the call succeeds', async () => {
    await harness.sandbox.control.injectFault({ pathPattern: DELTA, kind: '429', count: 1, retryAfterSeconds: 0.25 });
    const page = await harness.provider.fetchChanges(source, DEFAULT_CURSOR, undefined);
    expect(page.items.length).toBeGreaterThan(0);
    expect(await deltaStatuses()).toEqual([429, 200]);
  });

  it('503s past the client retries become a TransientError after 1 + 3 attempts', async () => {
    await harness.sandbox.control.injectFault({ pathPattern: DELTA, kind: '503', count: 4, retryAfterSeconds: 0.05 });
    const error = await harness.provider
      .fetchChanges(source, DEFAULT_CURSOR, undefined)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(50);
    expect(await deltaStatuses()).toEqual([503, 503, 503, 503]);
  });

  it('a Retry-After longer than the inline limit is not slept on: TransientError carries the wait', async () => {
    await harness.sandbox.control.injectFault({ pathPattern: DELTA, kind: '429', count: 1, retryAfterSeconds: 120 });
    const error = await harness.provider
      .fetchChanges(source, DEFAULT_CURSOR, undefined)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(120_000);
    expect(await deltaStatuses()).toEqual([429]);
  });

  it('when the resource-unit budget runs out, the larger RateLimit-Reset decides the wait', async () => {
    await harness.sandbox.control.settings({ appResourceUnitsPerMinute: 4 });
    try {
      let error: unknown;
      // Root delta without a token costs 2 RU: the third call is refused (bounded loop).
      for (let attempt = 0; attempt < 5 && error === undefined; attempt += 1) {
        error = await harness.provider.fetchChanges(source, DEFAULT_CURSOR, undefined).then(
          () => undefined,
          (caught: unknown) => caught,
        );
      }
      expect(error).toBeInstanceOf(TransientError);
      const log = (await harness.sandbox.control.requestLog()).filter((entry) => entry.status === 429);
      expect(log.length).toBe(1);
      // Retry-After is fractional (e.g. 59.873 s) and RateLimit-Reset its ceiling: whole seconds win.
      const waitMs = (error as TransientError).retryAfterMs ?? 0;
      expect(waitMs).toBeGreaterThan(1_000);
      expect(waitMs % 1_000).toBe(0);
    } finally {
      await harness.sandbox.control.settings({ appResourceUnitsPerMinute: 1250 });
    }
  });

  it('a reset connection becomes a TransientError that names the system error', async () => {
    await harness.sandbox.control.injectFault({ pathPattern: DELTA, kind: 'reset', count: 1 });
    const error = await harness.provider
      .fetchChanges(source, DEFAULT_CURSOR, undefined)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/no answer from Graph .*\((ECONNRESET|UND_ERR_SOCKET)\)/);
  });

  it('a 401 is retried once with a token asked for afresh', async () => {
    const provider = harness.providerWith(new FlakyTokenManager(harness.tokens, 1));
    const page = await provider.fetchChanges(source, DEFAULT_CURSOR, undefined);
    expect(page.items.length).toBeGreaterThan(0);
    expect(await deltaStatuses()).toEqual([401, 200]);
  });

  it('a second 401 in a row is transient (the token manager, not Graph, decides that a grant is gone)', async () => {
    const provider = harness.providerWith(new FlakyTokenManager(harness.tokens, 2));
    await expect(provider.fetchChanges(source, DEFAULT_CURSOR, undefined)).rejects.toBeInstanceOf(TransientError);
    expect(await deltaStatuses()).toEqual([401, 401]);
  });

  it("the token manager's own error reaches the engine unchanged, and Graph is not called", async () => {
    const refusal = new ReauthRequiredError('invalid_grant (AADSTS700082)');
    const refusing: TokenManager = {
      getAccessToken: (_source: SourceKey) => Promise.reject(refusal),
      invalidateAccessToken: () => Promise.resolve(),
      storeGrant: () => Promise.resolve(),
      revoke: () => Promise.resolve(),
    };
    const error = await harness
      .providerWith(refusing)
      .fetchChanges(source, DEFAULT_CURSOR, undefined)
      .catch((caught: unknown) => caught);
    expect(error).toBe(refusal);
    expect(await deltaStatuses()).toEqual([]);
  });
});
