// The product's RefreshingTokenManager over the local encrypted token store and a lease table, both
// fresh tables on Azurite, for tests that exercise one OAuth client through the real manager.
import {
  generateLocalTokenKeyEntry,
  parseLocalTokenKeys,
} from '../../shared/adapters/azure-tables/local-token-keys.js';
import { LocalTokenStore } from '../../shared/adapters/azure-tables/local-token-store.js';
import { TableLeaseStore } from '../../shared/adapters/azure-tables/table-lease.js';
import {
  RefreshingTokenManager,
  type RefreshingTokenManagerOptions,
} from '../../shared/core/tokens/refreshing-token-manager.js';
import { quietLogger } from './logger.js';
import { freshTable } from './storage.js';

export async function localTokenManager(
  options: Pick<RefreshingTokenManagerOptions, 'client'> & Partial<RefreshingTokenManagerOptions>,
): Promise<{ manager: RefreshingTokenManager; store: LocalTokenStore }> {
  const store = new LocalTokenStore(await freshTable('grants'), parseLocalTokenKeys(generateLocalTokenKeyEntry('k1')));
  const manager = new RefreshingTokenManager({
    store,
    leases: new TableLeaseStore(await freshTable('leases'), 'token-refresh'),
    refreshMarginMs: 5 * 60_000,
    memoryCacheMs: 0,
    logger: quietLogger,
    ...options,
  });
  return { manager, store };
}
