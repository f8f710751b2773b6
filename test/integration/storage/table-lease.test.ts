import { describe, expect, it } from 'vitest';
import { TableLeaseStore } from '../../../shared/adapters/azure-tables/table-lease.js';
import { freshTable } from '../../support/storage.js';

describe('TableLeaseStore (Azurite)', () => {
  it('gives the lease to one holder at a time', async () => {
    const store = new TableLeaseStore(await freshTable('lease'), 'sync');
    const first = await store.tryAcquire('kb1|s1', 60_000);
    const second = await store.tryAcquire('kb1|s1', 60_000);
    expect(first).toBeDefined();
    expect(second).toBeUndefined();
    expect(await store.isHeld('kb1|s1')).toBe(true);
  });

  it('lets exactly one of many concurrent callers win', async () => {
    const store = new TableLeaseStore(await freshTable('lease'), 'sync');
    const results = await Promise.all(Array.from({ length: 10 }, () => store.tryAcquire('kb1|race', 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('can be taken over once expired, and the old holder cannot renew', async () => {
    let now = 1_000_000;
    const store = new TableLeaseStore(await freshTable('lease'), 'sync', { now: () => now });
    const old = await store.tryAcquire('k', 1_000);
    now += 5_000;
    const taker = await store.tryAcquire('k', 1_000);
    expect(taker).toBeDefined();
    expect(await old!.renew()).toBe(false);
    expect(await taker!.renew()).toBe(true);
  });

  it('is free again after release', async () => {
    const store = new TableLeaseStore(await freshTable('lease'), 'sync');
    const lease = await store.tryAcquire('k', 60_000);
    await lease!.release();
    expect(await store.isHeld('k')).toBe(false);
    expect(await store.tryAcquire('k', 60_000)).toBeDefined();
  });

  it('escapes keys that Table Storage forbids', async () => {
    const store = new TableLeaseStore(await freshTable('lease'), 'token/refresh');
    expect(await store.tryAcquire('a/b#c?d', 60_000)).toBeDefined();
  });
});
