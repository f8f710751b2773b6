// Builds the token manager from config: the provider-neutral RefreshingTokenManager over the source
// types' OAuth client (oauth-clients.ts), with the Key Vault store when KEY_VAULT_URL is set and the
// local encrypted table store otherwise.
import { TableCredentialAudit } from '../adapters/azure-tables/audit-store.js';
import { auditRecorder } from '../core/audit/audit-recorder.js';
import type { TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Config } from './config.js';
import { consoleLogger, type Logger } from '../adapters/logging/logger.js';
import { registerSecret } from '../core/logging/redact.js';
import { TABLES } from '../adapters/storage/names.js';
import type { StorageClients } from '../adapters/storage/storage-clients.js';
import { TableLeaseStore } from '../adapters/azure-tables/table-lease.js';
import { KeyVaultTokenStore } from '../adapters/key-vault/key-vault-token-store.js';
import { parseLocalTokenKeys } from '../adapters/azure-tables/local-token-keys.js';
import { LocalTokenStore } from '../adapters/azure-tables/local-token-store.js';
import type { OAuthClient } from '../core/ports/oauth-client.js';
import type { TokenStore } from '../core/ports/token-store.js';
import { RefreshingTokenManager, type RefreshingTokenManagerOptions } from '../core/tokens/refreshing-token-manager.js';
import { lazyAzureIdentity } from './app-identity.js';
import { microsoftOAuthClient } from './oauth-clients.js';

/** Lease scope of refreshes in the `leases` table. */
export const TOKEN_REFRESH_LEASE_SCOPE = 'token-refresh';

export interface CreateTokenManagerOptions extends Partial<
  Pick<
    RefreshingTokenManagerOptions,
    | 'now'
    | 'sleep'
    | 'random'
    | 'faults'
    | 'backoff'
    | 'leasePollMs'
    | 'memoryCacheMs'
    | 'appSideProbeIntervalMs'
    | 'clients'
  >
> {
  logger?: Logger;
  /**
   * The OAuth client of the source types the manager serves (the composition root passes its
   * registry's); undefined builds the Microsoft client from config.
   */
  client?: OAuthClient;
  /** For the client built from config (tests: a fetch that counts or fails). */
  fetch?: typeof fetch;
  /** A ready SecretClient (tests: one that trusts the fake's certificate). */
  secretClient?: SecretClient;
  /** Poll interval of Key Vault's delete/recover pollers (tests: 0). */
  keyVaultPollIntervalMs?: number;
  /** The managed identity (Azure) for Key Vault and federated assertions; tests pass a fake. */
  managedIdentity?: TokenCredential;
}

export function createTokenManager(
  config: Config,
  storage: StorageClients,
  options: CreateTokenManagerOptions = {},
): RefreshingTokenManager {
  if (!config.providers.microsoft.clientId) throw new Error('MS_CLIENT_ID is required for token management');
  registerSecret(config.providers.microsoft.clientSecret);
  registerSecret(config.tokens.localTokenKeys);
  const { logger, client, fetch, secretClient, keyVaultPollIntervalMs, managedIdentity, ...managerOptions } = options;
  const identity = lazyAzureIdentity(config, managedIdentity);
  return new RefreshingTokenManager({
    ...managerOptions,
    client: client ?? microsoftOAuthClient(config, { identity, fetch }),
    store: tokenStore(config, storage, identity, secretClient, keyVaultPollIntervalMs),
    leases: new TableLeaseStore(storage.table(TABLES.leases), TOKEN_REFRESH_LEASE_SCOPE, { now: options.now }),
    refreshMarginMs: config.tokens.refreshMarginSeconds * 1000,
    logger: logger ?? consoleLogger({ component: 'tokens' }),
    audit: auditRecorder(
      new TableCredentialAudit(storage.table(TABLES.audit), config.audit.retentionMs),
      logger ?? consoleLogger({ component: 'audit' }),
    ),
  });
}

function tokenStore(
  config: Config,
  storage: StorageClients,
  identity: () => TokenCredential,
  secretClient: SecretClient | undefined,
  pollIntervalMs: number | undefined,
): TokenStore {
  if (config.tokens.keyVaultUrl) {
    const client = secretClient ?? new SecretClient(config.tokens.keyVaultUrl, identity());
    return new KeyVaultTokenStore(client, { purgeOnDelete: config.tokens.keyVaultPurgeOnDelete, pollIntervalMs });
  }
  return new LocalTokenStore(storage.table(TABLES.localTokens), parseLocalTokenKeys(config.tokens.localTokenKeys));
}
