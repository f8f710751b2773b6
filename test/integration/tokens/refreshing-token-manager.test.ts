// The provider-neutral token manager over an OAuth client that is not Microsoft's: a provider whose
// grants carry their own field (a "realm") and whose refresh tokens do not rotate. Real lease and
// local store on Azurite; the client is a test double of the port that records what it was asked.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  generateLocalTokenKeyEntry,
  parseLocalTokenKeys,
} from '../../../shared/adapters/azure-tables/local-token-keys.js';
import { LocalTokenStore } from '../../../shared/adapters/azure-tables/local-token-store.js';
import { TableLeaseStore } from '../../../shared/adapters/azure-tables/table-lease.js';
import type { OAuthClient, RefreshRequest, TokenOutcome } from '../../../shared/core/ports/oauth-client.js';
import { RefreshingTokenManager } from '../../../shared/core/tokens/refreshing-token-manager.js';
import { freshTable } from '../../support/storage.js';
import { quietLogger } from '../../support/logger.js';
import { localTokenManager } from '../../support/local-token-manager.js';

const DAY = 86_400_000;

/** A provider with non-rotating refresh tokens, a `realm` per grant and no app-only access. */
function exampleClient(refreshes: RefreshRequest[]): OAuthClient {
  let issued = 0;
  return {
    name: 'example',
    refreshTokensRotate: false,
    inactivity: { maxIdleMs: 180 * DAY },
    grantFields: z.object({ realm: z.string().min(1) }),
    newDelegatedGrant: (input) => ({ fields: z.object({ realm: z.string().min(1) }).parse(input) }),
    authorizeUrl: () => 'https://idp.example/authorize',
    exchangeCode: () => Promise.reject(new Error('not used here')),
    refresh: (request): Promise<TokenOutcome> => {
      refreshes.push(request);
      return Promise.resolve({ kind: 'tokens', tokens: { accessToken: `at-${++issued}`, expiresInSeconds: 3600 } });
    },
  };
}

async function setUp() {
  const refreshes: RefreshRequest[] = [];
  let nowMs = Date.parse('2026-03-01T00:00:00.000Z');
  const store = new LocalTokenStore(await freshTable('grants'), parseLocalTokenKeys(generateLocalTokenKeyEntry('k1')));
  const leases = new TableLeaseStore(await freshTable('leases'), 'token-refresh', { now: () => nowMs });
  const manager = new RefreshingTokenManager({
    client: exampleClient(refreshes),
    store,
    leases,
    refreshMarginMs: 5 * 60_000,
    memoryCacheMs: 0,
    logger: quietLogger,
    now: () => nowMs,
  });
  return { manager, store, refreshes, advance: (ms: number) => (nowMs += ms) };
}

const source = { kbId: 'kb-1', sourceId: 'example-1' };

describe('RefreshingTokenManager over another provider', () => {
  it('stores the provider fields beside the neutral ones and hands them back to the client on refresh', async () => {
    const { manager, store, refreshes } = await setUp();
    await manager.storeGrant(source, { refreshToken: 'rt-1', scopes: ['read'], realm: 'north' });
    expect(await manager.getAccessToken(source)).toBe('at-1');
    expect(refreshes).toEqual([{ refreshToken: 'rt-1', scopes: ['read'], fields: { realm: 'north' } }]);
    expect(await store.read(source)).toMatchObject({ kind: 'delegated', realm: 'north', refreshToken: 'rt-1' });
  });

  it('without rotation, a refresh restarts the idle clock, so keep-alive refreshes once per idle period', async () => {
    const { manager, refreshes, advance } = await setUp();
    await manager.storeGrant(source, { refreshToken: 'rt-1', realm: 'north' });
    advance(31 * DAY);
    expect(await manager.keepAlive(source, 30 * DAY)).toBe(true);
    expect(await manager.keepAlive(source, 30 * DAY)).toBe(false);
    advance(31 * DAY);
    expect(await manager.keepAlive(source, 30 * DAY)).toBe(true);
    expect(refreshes.map((request) => request.refreshToken)).toEqual(['rt-1', 'rt-1']);
  });

  it('refuses input the client rejects and app-only access the provider lacks, storing nothing', async () => {
    const { manager, store } = await setUp();
    await expect(manager.storeGrant(source, { refreshToken: 'rt-1' })).rejects.toThrow(/realm/);
    await expect(manager.storeAppOnlyGrant(source)).rejects.toThrow('this source type has no app-only access');
    expect(await store.read(source)).toBeUndefined();
  });

  it("stores a grant with its source type's client and refreshes it there, while grants without a type keep the default client", async () => {
    const defaultRefreshes: RefreshRequest[] = [];
    const chatRefreshes: RefreshRequest[] = [];
    const defaultClient = exampleClient(defaultRefreshes);
    const chatClient = { ...exampleClient(chatRefreshes), name: 'chat-idp' };
    const { manager, store } = await localTokenManager({
      client: defaultClient,
      clients: {
        get: (type) => (type === 'chat' ? chatClient : defaultClient),
        named: (name) => [defaultClient, chatClient].find((client) => client.name === name),
      },
    });
    const chatSource = { kbId: 'kb-1', sourceId: 'chat-1' };
    await manager.storeGrant(chatSource, { refreshToken: 'rt-chat', realm: 'south', sourceType: 'chat' });
    await manager.storeGrant(source, { refreshToken: 'rt-drive', realm: 'north' });

    await manager.getAccessToken(chatSource);
    await manager.getAccessToken(source);
    expect(chatRefreshes.map((request) => request.refreshToken)).toEqual(['rt-chat']);
    expect(defaultRefreshes.map((request) => request.refreshToken)).toEqual(['rt-drive']);
    // The grant names its client, and neither the source type nor the client name is a provider field.
    expect(await store.read(chatSource)).toMatchObject({ client: 'chat-idp', realm: 'south' });
    expect(chatRefreshes[0]?.fields).toEqual({ realm: 'south' });
    expect(await store.read(source)).not.toHaveProperty('client');
  });

  it('revokes a refresh token at the provider before forgetting the grant, and forgets it even when the revoke fails', async () => {
    const revoked: string[] = [];
    let answer: 'revoked' | 'transient' = 'revoked';
    const client = {
      ...exampleClient([]),
      revoke: async (refreshToken: string) => {
        revoked.push(refreshToken);
        return answer === 'revoked'
          ? { kind: 'revoked' as const }
          : { kind: 'transient' as const, reason: 'revoke endpoint answered 503', retryAfterMs: undefined };
      },
    };
    const { manager, store } = await localTokenManager({ client });
    const other = { kbId: 'kb-1', sourceId: 'other' };
    await manager.storeGrant(source, { refreshToken: 'rt-one', realm: 'north' });
    await manager.storeGrant(other, { refreshToken: 'rt-two', realm: 'north' });

    await manager.revoke(source);
    answer = 'transient';
    await manager.revoke(other);

    expect(revoked).toEqual(['rt-one', 'rt-two']);
    expect(await store.read(source)).toBeUndefined();
    expect(await store.read(other)).toBeUndefined();
  });
});
