// Shared set-up for the token manager tests: the sandbox tenant (real token endpoint over HTTPS),
// Azurite tables with per-test names, a clock the test can move together with the sandbox's, and a
// logger that keeps every line and every raw field for the no-leak checks.
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { loadConfig, type Config, type MicrosoftSettings } from '../../../shared/app/config.js';
import type { SourceKey } from '../../../shared/core/domain/source.js';
import type { Logger } from '../../../shared/adapters/logging/logger.js';
import { TABLES } from '../../../shared/adapters/storage/names.js';
import { createStorageClients, type StorageClients } from '../../../shared/adapters/storage/storage-clients.js';
import { createTokenManager, type CreateTokenManagerOptions } from '../../../shared/app/create-token-manager.js';
import {
  parseLocalTokenKeys,
  generateLocalTokenKeyEntry,
} from '../../../shared/adapters/azure-tables/local-token-keys.js';
import { LocalTokenStore } from '../../../shared/adapters/azure-tables/local-token-store.js';
import { open, seal, type SealedValue } from '../../../shared/adapters/azure-tables/local-token-cipher.js';
import { grantSecretName } from '../../../shared/adapters/key-vault/grant-secret-name.js';
import type { RefreshingTokenManager } from '../../../shared/core/tokens/refreshing-token-manager.js';
import type { StoredGrant } from '../../../shared/core/tokens/stored-grant.js';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { storageConnectionString, uniqueName } from '../../support/storage.js';
import { capturingLogger, type CapturedLogs } from '../../support/logger.js';

export interface TokenTestBed {
  config: Config;
  logs: CapturedLogs;
  logger: Logger;
  /** Moves this side's clock (and, with `alsoSandbox`, the sandbox's) forward. */
  advance(ms: number, alsoSandbox?: boolean): Promise<void>;
  now(): number;
  /** A new token manager: each call stands for another instance of the app. */
  instance(options?: CreateTokenManagerOptions, configOverrides?: ConfigOverrides): RefreshingTokenManager;
  /** What the local store holds for a source (read with the same key ring). */
  stored(source: SourceKey): Promise<StoredGrant | undefined>;
  /** Writes `json` into the local store exactly as given (documents from earlier versions). */
  storeDocument(source: SourceKey, json: string): Promise<void>;
  /** The local store's document as the JSON text it holds. */
  storedDocument(source: SourceKey): Promise<string>;
  newSource(): SourceKey;
}

/** Fast but real sleeps, so backoff and lease polling run without stretching the test. */
export const shortSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 20)));

export async function tokenTestBed(sandbox: Sandbox, overrides: Record<string, string> = {}): Promise<TokenTestBed> {
  const connectionString = storageConnectionString();
  const config = loadConfig({
    AzureWebJobsStorage: connectionString,
    AUTHORITY_HOST: sandbox.authorityHost,
    GRAPH_BASE_URL: sandbox.graphBaseUrl,
    MS_TENANT_ID: sandbox.tenantId,
    MS_CLIENT_ID: sandbox.clientId,
    MS_CLIENT_SECRET: sandbox.clientSecret,
    LOCAL_TOKEN_KEYS: generateLocalTokenKeyEntry('k1'),
    ...overrides,
  });
  // Per-test table names, so tests never share leases or grants.
  const suffix = randomBytes(4).toString('hex');
  const real = createStorageClients(config.storage);
  const tableName = (name: string) => `${name}${suffix}`;
  const storage: StorageClients = {
    ...real,
    table: (name) =>
      TableClient.fromConnectionString(connectionString, tableName(name), { allowInsecureConnection: true }),
  };
  await Promise.all([TABLES.leases, TABLES.localTokens].map((name) => storage.table(name).createTable()));

  const logs: CapturedLogs = { lines: [], fields: [] };
  const logger = capturingLogger(logs.lines, logs.fields);

  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  const keys = parseLocalTokenKeys(config.tokens.localTokenKeys);
  const localStore = new LocalTokenStore(storage.table(TABLES.localTokens), keys);
  let counter = 0;

  return {
    config,
    logs,
    logger,
    now,
    advance: async (ms, alsoSandbox = false) => {
      offsetMs += ms;
      if (alsoSandbox) await sandbox.control.advanceClock(ms);
    },
    instance: (options = {}, configOverrides = {}) =>
      createTokenManager(withOverrides(config, configOverrides), storage, {
        logger,
        now,
        sleep: shortSleep,
        random: () => 0.5,
        ...options,
      }),
    stored: (source) => localStore.read(source),
    storeDocument: async (source, json) => {
      const name = grantSecretName(source);
      const entity = { partitionKey: name, rowKey: 'grant', ...source, ...seal(keys, json, name) };
      await storage.table(TABLES.localTokens).upsertEntity(entity, 'Replace');
    },
    storedDocument: async (source) => {
      const name = grantSecretName(source);
      const entity = await storage.table(TABLES.localTokens).getEntity<SealedValue>(name, 'grant');
      return open(keys, entity, name);
    },
    newSource: () => ({ kbId: uniqueName('kb'), sourceId: `source-${++counter}` }),
  };
}

/** Microsoft app-registration and token-store settings a test changes for one manager. */
export type ConfigOverrides = Partial<MicrosoftSettings> & Partial<Config['tokens']>;

function withOverrides(config: Config, overrides: ConfigOverrides): Config {
  const part = <T extends object>(settings: T): T => ({
    ...settings,
    ...Object.fromEntries(Object.entries(overrides).filter(([name]) => name in settings)),
  });
  return {
    ...config,
    providers: { ...config.providers, microsoft: part(config.providers.microsoft) },
    tokens: part(config.tokens),
  };
}
