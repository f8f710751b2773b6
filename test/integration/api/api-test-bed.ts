// Set-up for the API use-case tests: the sandbox tenant over HTTPS, Azurite with per-suite table and
// queue names, and Services built from a config that points at both, exactly as the composition root
// builds them in the app (real token manager, real provider, real stores).
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import { buildServices, type Services } from '../../../shared/app/composition-root.js';
import { registerSourceSettings } from '../../../shared/app/use-cases.js';
import type { Config } from '../../../shared/app/config.js';
import type { SourceKey } from '../../../shared/core/domain/source.js';
import type { SyncJobMessage } from '../../../shared/core/queue/messages.js';
import type { RegisterSourceDependencies } from '../../../shared/core/sources/register-source.js';
import { ALL_QUEUES, ALL_TABLES, poisonQueueName } from '../../../shared/adapters/storage/names.js';
import { createStorageClients, type StorageClients } from '../../../shared/adapters/storage/storage-clients.js';
import { appConfigFor } from '../../support/sandbox-app-config.js';
import { storageConnectionString, uniqueName } from '../../support/storage.js';

export interface ApiTestBed {
  sandbox: Sandbox;
  services: Services;
  /** What PUT hands registerSource: the services and the subscription store. */
  registerDeps(): RegisterSourceDependencies;
  /** A fresh KB id and a source key in it. */
  newSource(): SourceKey;
  /** A refresh token the sandbox accepts for its default user (Files.Read.All + offline_access). */
  refreshToken(): Promise<string>;
  /** Takes every message from a queue (per-suite names, so only this suite's). */
  drainQueue(queueName: string): Promise<unknown[]>;
  syncJobs(): Promise<SyncJobMessage[]>;
  stop(): Promise<void>;
}

/** The app's config pointed at the shared Azurite and at the sandbox tenant (its confidential client). */
export function sandboxAppConfig(sandbox: Sandbox, env: Record<string, string> = {}): Config {
  return appConfigFor(sandbox, storageConnectionString(), env);
}

export async function startApiTestBed(env: Record<string, string> = {}): Promise<ApiTestBed> {
  const sandbox = await startSandbox();
  const connectionString = storageConnectionString();
  const config = sandboxAppConfig(sandbox, env);
  const suffix = randomBytes(4).toString('hex');
  const real = createStorageClients(config.storage);
  const storage: StorageClients = {
    ...real,
    queue: (name) => real.queueService.getQueueClient(`${name}-${suffix}`),
    table: (name) =>
      TableClient.fromConnectionString(connectionString, `${name}${suffix}`, { allowInsecureConnection: true }),
  };
  await Promise.all([
    ...ALL_QUEUES.flatMap((name) => [
      storage.queue(name).createIfNotExists(),
      storage.queue(poisonQueueName(name)).createIfNotExists(),
    ]),
    ...ALL_TABLES.map((name) => storage.table(name).createTable()),
  ]);
  const services = buildServices(config, { storage });

  const drainQueue = async (queueName: string): Promise<unknown[]> => {
    const queue = storage.queue(queueName);
    const out: unknown[] = [];
    for (let round = 0; round < 20; round++) {
      const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
      if (receivedMessageItems.length === 0) break;
      for (const message of receivedMessageItems) {
        out.push(JSON.parse(Buffer.from(message.messageText, 'base64').toString('utf8')));
        await queue.deleteMessage(message.messageId, message.popReceipt);
      }
    }
    return out;
  };

  return {
    sandbox,
    services,
    registerDeps: () => ({ ...services, config: registerSourceSettings(services.config) }),
    newSource: () => ({ kbId: uniqueName('kb'), sourceId: 'src-1' }),
    refreshToken: async () =>
      (
        await sandbox.control.issueRefreshToken({
          userId: sandbox.defaultUserId,
          scopes: ['Files.Read.All', 'offline_access'],
        })
      ).refreshToken,
    drainQueue,
    syncJobs: async () => (await drainQueue('sync-jobs')) as SyncJobMessage[],
    stop: () => sandbox.stop(),
  };
}
