// The adapters of push to the host (core/hooks), built from config by the composition root: the hook
// rows, the signing secret store (Key Vault when KEY_VAULT_URL is set, else the local encrypted table,
// like the grants), the hook-delivery queue, the resolver and the HTTP transport.
import { SecretClient } from '@azure/keyvault-secrets';
import type { TokenCredential } from '@azure/identity';
import type { Config } from './config.js';
import { lazyAzureIdentity } from './app-identity.js';
import { sendJson } from '../adapters/azure-queues/queue-writer.js';
import { HookStore } from '../adapters/azure-tables/hook-store.js';
import { LocalHookSecretStore } from '../adapters/azure-tables/local-hook-secret-store.js';
import { parseLocalTokenKeys, type LocalTokenKeyRing } from '../adapters/azure-tables/local-token-keys.js';
import { NodeHookTransport, systemResolver } from '../adapters/hooks/node-hook-transport.js';
import { KeyVaultHookSecretStore } from '../adapters/key-vault/key-vault-hook-secret-store.js';
import { QUEUES, TABLES } from '../adapters/storage/names.js';
import type { StorageClients } from '../adapters/storage/storage-clients.js';
import type { HookDeliverySettings } from '../core/hooks/hook-delivery.js';
import type { AddressResolver, HookTargetPolicy } from '../core/hooks/hook-target-policy.js';
import type { HookDeliveryQueue, HookSecretStore, HookTransport } from '../core/ports/hook-ports.js';

export interface HookServices {
  hooks: HookStore;
  hookSecrets: HookSecretStore;
  hookQueue: HookDeliveryQueue;
  hookResolver: AddressResolver;
  hookTransport: HookTransport;
}

export interface HookOverrides {
  /** Replaces DNS (tests: a stub, never real DNS). */
  hookResolver?: AddressResolver;
  hookTransport?: HookTransport;
  /** Replaces the Key Vault client built from config (tests: one that trusts the fake's certificate). */
  secretClient?: SecretClient;
  managedIdentity?: TokenCredential;
}

export function buildHookServices(
  config: Config,
  storage: StorageClients,
  overrides: HookOverrides = {},
): HookServices {
  const queue = storage.queue(QUEUES.hookDelivery);
  return {
    hooks: new HookStore(storage.table(TABLES.hooks)),
    hookSecrets: hookSecretStore(config, storage, overrides),
    hookQueue: { schedule: (message, delayMs) => sendJson(queue, message, { delaySeconds: delayMs / 1000 }) },
    hookResolver: overrides.hookResolver ?? systemResolver,
    hookTransport: overrides.hookTransport ?? new NodeHookTransport(),
  };
}

export function hookTargetPolicy(config: Config): HookTargetPolicy {
  return { localRun: config.localRun, allowPrivate: config.hooks.allowPrivateTargets };
}

export function hookDeliverySettings(config: Config): HookDeliverySettings {
  const { maxConsecutiveFailures, timeoutMs, retryBaseMs, retryMaxMs } = config.hooks;
  return { maxConsecutiveFailures, timeoutMs, retryBaseMs, retryMaxMs, policy: hookTargetPolicy(config) };
}

function hookSecretStore(config: Config, storage: StorageClients, overrides: HookOverrides): HookSecretStore {
  const { keyVaultUrl, keyVaultPurgeOnDelete, localTokenKeys } = config.tokens;
  if (!keyVaultUrl) {
    let keys: LocalTokenKeyRing | undefined;
    return new LocalHookSecretStore(
      storage.table(TABLES.localTokens),
      () => (keys ??= parseLocalTokenKeys(localTokenKeys)),
    );
  }
  // Built on first use: a process that never touches a hook needs no Azure sign-in.
  const identity = lazyAzureIdentity(config, overrides.managedIdentity);
  let built: HookSecretStore | undefined;
  const get = () =>
    (built ??= new KeyVaultHookSecretStore(overrides.secretClient ?? new SecretClient(keyVaultUrl, identity()), {
      purgeOnDelete: keyVaultPurgeOnDelete,
    }));
  return {
    read: (kbId) => get().read(kbId),
    write: (kbId, secret) => get().write(kbId, secret),
    remove: (kbId) => get().remove(kbId),
  };
}
