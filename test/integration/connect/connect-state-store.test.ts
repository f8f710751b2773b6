// The connect flow's one-time rows against Azurite through the real Tables SDK.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConnectStateStore } from '../../../shared/adapters/azure-tables/connect-state-store.js';
import type { PendingConnect } from '../../../shared/core/ports/connect-state-repository.js';
import { createCodeVerifier } from '../../../shared/core/connect/pkce.js';
import { freshTable } from '../../support/storage.js';

function flow(expiresAtMs: number): PendingConnect {
  return {
    id: randomBytes(32).toString('base64url'),
    kbId: 'kb-1',
    sourceId: 'src-1',
    returnTo: 'https://app.example.com/done',
    redirectUri: 'http://127.0.0.1:7071/api/connect/callback',
    codeVerifier: createCodeVerifier(),
    expiresAtMs,
  };
}

describe('ConnectStateStore', () => {
  it('gives a saved flow back once; the second take finds nothing', async () => {
    const store = new ConnectStateStore(await freshTable('connect'));
    const saved = flow(Date.now() + 600_000);
    await store.save(saved);
    expect(await store.take(saved.id)).toEqual(saved);
    expect(await store.take(saved.id)).toBeUndefined();
    expect(await store.take(randomBytes(32).toString('base64url'))).toBeUndefined();
  });

  it('lets exactly one of several concurrent callbacks take the flow', async () => {
    const store = new ConnectStateStore(await freshTable('connect'));
    const saved = flow(Date.now() + 600_000);
    await store.save(saved);
    const taken = await Promise.all(Array.from({ length: 8 }, () => store.take(saved.id)));
    expect(taken.filter((entry) => entry !== undefined)).toEqual([saved]);
  });

  it('purges only the flows whose time is up', async () => {
    const store = new ConnectStateStore(await freshTable('connect'));
    const now = Date.now();
    const expired = [flow(now - 1_000), flow(now - 60_000)];
    const live = flow(now + 600_000);
    for (const entry of [...expired, live]) await store.save(entry);
    expect(await store.purgeExpired(now)).toBe(2);
    expect(await store.take(expired[0]!.id)).toBeUndefined();
    expect(await store.take(live.id)).toEqual(live);
  });
});
