// A lease with expiry on a table entity, using ETags for compare-and-swap. One holder at a time per
// key across all instances; an expired lease can be taken over. Used for "one sync per source"
// (invariant 3) and "one token refresh per source" (invariant 4).
import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { Lease, LeaseAttempt, LeaseStore } from '../../core/ports/lease-store.js';
import { isRestError } from '../azure/rest-error.js';
import { safeKey } from './table-keys.js';

interface LeaseEntity {
  partitionKey: string;
  rowKey: string;
  holder: string;
  expiresAtMs: number;
}

export interface LeaseStoreOptions {
  /** Clock in ms; tests move it. */
  now?: () => number;
}

export class TableLeaseStore implements LeaseStore {
  private readonly now: () => number;

  constructor(
    private readonly table: TableClient,
    private readonly scope: string,
    options: LeaseStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Takes the lease for `key` for `ttlMs`, or returns undefined when someone else holds it. */
  async tryAcquire(key: string, ttlMs: number, holder: string = randomUUID()): Promise<Lease | undefined> {
    return (await this.acquire(key, ttlMs, holder)).lease;
  }

  /**
   * Takes the lease for `key` for `ttlMs`; when someone else holds it, says for how long (as of now,
   * by the expiry the holder last wrote), so a waiter can come back just after it lapses.
   */
  async acquire(key: string, ttlMs: number, holder: string = randomUUID()): Promise<LeaseAttempt> {
    const partitionKey = safeKey(this.scope);
    const rowKey = safeKey(key);
    const entity: LeaseEntity = { partitionKey, rowKey, holder, expiresAtMs: this.now() + ttlMs };
    let etag: string | undefined;
    try {
      etag = (await this.table.createEntity(entity)).etag;
    } catch (error) {
      if (!isRestError(error, 409)) throw error;
      const current = await this.read(partitionKey, rowKey);
      if (!current) return this.acquire(key, ttlMs, holder);
      const heldForMs = current.expiresAtMs - this.now();
      if (current.holder !== holder && heldForMs > 0) return { heldForMs };
      try {
        etag = (await this.table.updateEntity(entity, 'Replace', { etag: current.etag })).etag;
      } catch (updateError) {
        // Another waiter took it over first: it holds it for a full lifetime from about now.
        if (isRestError(updateError, 412) || isRestError(updateError, 404)) return { heldForMs: ttlMs };
        throw updateError;
      }
    }
    return { lease: this.lease(key, partitionKey, rowKey, holder, ttlMs, etag) };
  }

  /** Whether anyone holds an unexpired lease on `key`. */
  async isHeld(key: string): Promise<boolean> {
    const current = await this.read(safeKey(this.scope), safeKey(key));
    return current !== undefined && current.expiresAtMs > this.now();
  }

  private async read(partitionKey: string, rowKey: string): Promise<(LeaseEntity & { etag: string }) | undefined> {
    try {
      return await this.table.getEntity<LeaseEntity>(partitionKey, rowKey);
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
  }

  private lease(
    key: string,
    partitionKey: string,
    rowKey: string,
    holder: string,
    ttlMs: number,
    etag: string | undefined,
  ): Lease {
    let currentEtag = etag;
    return {
      key,
      holder,
      renew: async () => {
        try {
          const entity: LeaseEntity = { partitionKey, rowKey, holder, expiresAtMs: this.now() + ttlMs };
          currentEtag = (await this.table.updateEntity(entity, 'Replace', { etag: currentEtag ?? '*' })).etag;
          return true;
        } catch (error) {
          if (isRestError(error, 412) || isRestError(error, 404)) return false;
          throw error;
        }
      },
      release: async () => {
        try {
          await this.table.deleteEntity(partitionKey, rowKey, { etag: currentEtag ?? '*' });
        } catch (error) {
          // Already expired and taken over, or gone: nothing of ours to release.
          if (!isRestError(error, 412) && !isRestError(error, 404)) throw error;
        }
      },
    };
  }
}
