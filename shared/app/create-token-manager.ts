// Builds the token manager from config: the Key Vault store when KEY_VAULT_URL is set, the local
// encrypted table store otherwise; the app's client credential by precedence MS_CLIENT_SECRET, then
// MS_CLIENT_CERTIFICATE_PATH, then MS_FEDERATED_IDENTITY_CLIENT_ID, else a public client.
import { readFileSync } from 'node:fs';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Config } from './config.js';
import { consoleLogger, type Logger } from '../adapters/logging/logger.js';
import { registerSecret } from '../core/logging/redact.js';
import { TABLES } from '../adapters/storage/names.js';
import type { StorageClients } from '../adapters/storage/storage-clients.js';
import { TableLeaseStore } from '../adapters/azure-tables/table-lease.js';
import {
  certificateCredential,
  clientSecretCredential,
  managedIdentityFederationCredential,
  type ClientCredential,
} from '../providers/microsoft/identity/client-credential.js';
import { KeyVaultTokenStore } from '../adapters/key-vault/key-vault-token-store.js';
import { parseLocalTokenKeys } from '../adapters/azure-tables/local-token-keys.js';
import { LocalTokenStore } from '../adapters/azure-tables/local-token-store.js';
import {
  MicrosoftTokenManager,
  type MicrosoftTokenManagerOptions,
} from '../providers/microsoft/identity/microsoft-token-manager.js';
import type { TokenStore } from '../core/ports/token-store.js';

/** Lease scope of refreshes in the `leases` table. */
export const TOKEN_REFRESH_LEASE_SCOPE = 'token-refresh';

export interface CreateTokenManagerOptions extends Partial<
  Pick<
    MicrosoftTokenManagerOptions,
    | 'now'
    | 'sleep'
    | 'random'
    | 'faults'
    | 'fetch'
    | 'backoff'
    | 'leasePollMs'
    | 'memoryCacheMs'
    | 'appSideProbeIntervalMs'
  >
> {
  logger?: Logger;
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
): MicrosoftTokenManager {
  if (!config.clientId) throw new Error('MS_CLIENT_ID is required for token management');
  registerSecret(config.clientSecret);
  registerSecret(config.localTokenKeys);
  const { logger, secretClient, keyVaultPollIntervalMs, managedIdentity, ...managerOptions } = options;
  // Built only when used (Key Vault or a federated assertion): a local run needs no Azure sign-in.
  let identity: TokenCredential | undefined = managedIdentity;
  const getIdentity = () => (identity ??= azureCredential(config));
  return new MicrosoftTokenManager({
    ...managerOptions,
    store: tokenStore(config, storage, getIdentity, secretClient, keyVaultPollIntervalMs),
    leases: new TableLeaseStore(storage.table(TABLES.leases), TOKEN_REFRESH_LEASE_SCOPE, { now: options.now }),
    authorityHost: config.authorityHost,
    clientId: config.clientId,
    clientCredential: clientCredential(config, getIdentity),
    defaultTenantId: config.tenantId ?? 'organizations',
    // App-only tokens are for the Graph the app talks to (its origin, so sovereign clouds work too).
    appOnlyScope: `${new URL(config.graphBaseUrl).origin}/.default`,
    refreshMarginMs: config.tokenRefreshMarginSeconds * 1000,
    logger: logger ?? consoleLogger({ component: 'tokens' }),
  });
}

function tokenStore(
  config: Config,
  storage: StorageClients,
  identity: () => TokenCredential,
  secretClient: SecretClient | undefined,
  pollIntervalMs: number | undefined,
): TokenStore {
  if (config.keyVaultUrl) {
    const client = secretClient ?? new SecretClient(config.keyVaultUrl, identity());
    return new KeyVaultTokenStore(client, { purgeOnDelete: config.keyVaultPurgeOnDelete, pollIntervalMs });
  }
  return new LocalTokenStore(storage.table(TABLES.localTokens), parseLocalTokenKeys(config.localTokenKeys));
}

/**
 * The app's client credential by the same precedence the token manager uses, for the one other
 * caller of the token endpoint: the connect flow's authorization-code exchange (shared/connect).
 */
export function appClientCredential(config: Config, managedIdentity?: TokenCredential): ClientCredential | undefined {
  let identity = managedIdentity;
  return clientCredential(config, () => (identity ??= azureCredential(config)));
}

function clientCredential(config: Config, identity: () => TokenCredential): ClientCredential | undefined {
  if (config.clientSecret) return clientSecretCredential(config.clientSecret);
  if (config.clientCertificatePath) {
    return certificateCredential({
      clientId: config.clientId!,
      pem: readFileSync(config.clientCertificatePath, 'utf8'),
    });
  }
  if (config.federatedIdentityClientId) return managedIdentityFederationCredential(identity());
  return undefined;
}

/**
 * In Azure, the app's user-assigned managed identity (its client id is in the storage or federation
 * settings); elsewhere DefaultAzureCredential (developer sign-in through the Azure CLI and friends).
 */
function azureCredential(config: Config): TokenCredential {
  const clientId =
    config.federatedIdentityClientId ?? (config.storage.kind === 'identity' ? config.storage.clientId : undefined);
  return clientId ? new ManagedIdentityCredential({ clientId }) : new DefaultAzureCredential();
}
