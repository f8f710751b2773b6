// The adapters of connectors (core/connectors), built from config by the composition root: the
// connector rows and item maps, the API key store (Key Vault when KEY_VAULT_URL is set, else the
// local sealed table, like the grants), the connector-work queue, the connector leases, and the Open
// WebUI sink (shared/integrations/openwebui) when OPENWEBUI_BASE_URL is set.
import { SecretClient } from '@azure/keyvault-secrets';
import type { Config } from './config.js';
import { lazyAzureIdentity } from './app-identity.js';
import type { HookOverrides } from './hook-services.js';
import { sendJson } from '../adapters/azure-queues/queue-writer.js';
import { ConnectorItemStore } from '../adapters/azure-tables/connector-item-store.js';
import { ConnectorStore } from '../adapters/azure-tables/connector-store.js';
import { LocalKbSecretStore } from '../adapters/azure-tables/local-hook-secret-store.js';
import { parseLocalTokenKeys, type LocalTokenKeyRing } from '../adapters/azure-tables/local-token-keys.js';
import { CONNECTOR_SECRET_ROW_KEY } from '../adapters/azure-tables/local-token-store.js';
import { TableLeaseStore } from '../adapters/azure-tables/table-lease.js';
import { connectorSecretName } from '../adapters/key-vault/grant-secret-name.js';
import { KeyVaultKbSecretStore } from '../adapters/key-vault/key-vault-hook-secret-store.js';
import { QUEUES, TABLES } from '../adapters/storage/names.js';
import type { StorageClients } from '../adapters/storage/storage-clients.js';
import type { ConnectorRunSettings } from '../core/connectors/connector-run.js';
import type { ConnectorFaultHook } from '../core/connectors/apply-change.js';
import type { ConnectorQueue, ConnectorSecretStore, SinkFactory } from '../core/ports/connector-ports.js';
import {
  OpenWebUiClient,
  openWebUiSink,
  verifyOpenWebUiKnowledge,
  type OpenWebUiCallCounter,
} from '../integrations/openwebui/openwebui-client.js';
import { OPENWEBUI_CONNECTOR_TYPE } from '../integrations/openwebui/openwebui-connector.js';

/** Lease scope of "one run per connector" in the `leases` table. */
export const CONNECTOR_LEASE_SCOPE = 'connector';

export interface ConnectorServices {
  connectors: ConnectorStore;
  connectorItems: ConnectorItemStore;
  connectorSecrets: ConnectorSecretStore;
  connectorQueue: ConnectorQueue;
  connectorLeases: TableLeaseStore;
  /** The Open WebUI sink of a connector row; undefined without OPENWEBUI_BASE_URL. */
  openWebUiSinkFor: SinkFactory | undefined;
  /** Registration's check of a knowledge id with an API key. */
  verifyOpenWebUi: ((knowledgeId: string, apiKey: string) => Promise<void>) | undefined;
  connectorFaults: ConnectorFaultHook | undefined;
}

export interface ConnectorOverrides {
  /** Counts every Open WebUI call (the benchmark). */
  openWebUiCalls?: OpenWebUiCallCounter;
  /** Crash points inside a connector run (tests). */
  connectorFaults?: ConnectorFaultHook;
  /** Shorter polls of the processing status (tests). */
  openWebUiPollIntervalMs?: number;
}

export function buildConnectorServices(
  config: Config,
  storage: StorageClients,
  overrides: HookOverrides & ConnectorOverrides = {},
): ConnectorServices {
  const queue = storage.queue(QUEUES.connectorWork);
  const { baseUrl, requestTimeoutMs, processingTimeoutMs } = config.openWebUi;
  const clientOf = (apiKey: string) =>
    new OpenWebUiClient(
      { baseUrl: baseUrl!, requestTimeoutMs, processingTimeoutMs, pollIntervalMs: overrides.openWebUiPollIntervalMs },
      apiKey,
      overrides.openWebUiCalls,
    );
  return {
    connectors: new ConnectorStore(storage.table(TABLES.connectors)),
    connectorItems: new ConnectorItemStore(storage.table(TABLES.connectorItems)),
    connectorSecrets: connectorSecretStore(config, storage, overrides),
    connectorQueue: {
      schedule: (message, delayMs) => sendJson(queue, message, { delaySeconds: delayMs / 1000 }),
    },
    connectorLeases: new TableLeaseStore(storage.table(TABLES.leases), CONNECTOR_LEASE_SCOPE),
    openWebUiSinkFor: baseUrl ? (record, apiKey) => openWebUiSink(clientOf(apiKey), record.collectionId) : undefined,
    verifyOpenWebUi: baseUrl
      ? (knowledgeId, apiKey) => verifyOpenWebUiKnowledge(clientOf(apiKey), knowledgeId)
      : undefined,
    connectorFaults: overrides.connectorFaults,
  };
}

export function connectorRunSettings(config: Config): ConnectorRunSettings {
  return {
    pageSize: config.openWebUi.pageSize,
    concurrency: config.openWebUi.concurrency,
    leaseMs: 5 * 60_000,
    maxRunMs: 4 * 60_000,
    retryBaseMs: 5_000,
    retryMaxMs: 15 * 60_000,
    busyRetryMs: 30_000,
  };
}

function connectorSecretStore(config: Config, storage: StorageClients, overrides: HookOverrides): ConnectorSecretStore {
  const { keyVaultUrl, keyVaultPurgeOnDelete, localTokenKeys } = config.tokens;
  const nameOf = (kbId: string) => connectorSecretName(kbId, OPENWEBUI_CONNECTOR_TYPE);
  if (!keyVaultUrl) {
    let keys: LocalTokenKeyRing | undefined;
    return new LocalKbSecretStore(
      storage.table(TABLES.localTokens),
      () => (keys ??= parseLocalTokenKeys(localTokenKeys)),
      {
        nameOf,
        rowKey: CONNECTOR_SECRET_ROW_KEY,
        kind: OPENWEBUI_CONNECTOR_TYPE,
      },
    );
  }
  // Built on first use: a process that never touches a connector needs no Azure sign-in.
  const identity = lazyAzureIdentity(config, overrides.managedIdentity);
  let built: ConnectorSecretStore | undefined;
  const get = () =>
    (built ??= new KeyVaultKbSecretStore(
      overrides.secretClient ?? new SecretClient(keyVaultUrl, identity()),
      { purgeOnDelete: keyVaultPurgeOnDelete },
      nameOf,
      OPENWEBUI_CONNECTOR_TYPE,
    ));
  return {
    read: (kbId) => get().read(kbId),
    write: (kbId, secret) => get().write(kbId, secret),
    remove: (kbId) => get().remove(kbId),
  };
}
