// Builds the Storage SDK clients from config: a connection string (Azurite, local runs) or an
// identity-based connection (Azure: managed identity, as AzureWebJobsStorage__* settings describe).
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import type { StorageSettings } from '../../app/config.js';

const DEV_STORAGE = 'UseDevelopmentStorage=true';

/**
 * Few, short retries: an HTTP caller must learn within about 2 s that storage is down (and get 503,
 * see shared/adapters/http/storage-outage-answer.ts) rather than wait out the SDK defaults (3 retries from
 * 0.8 s up for tables, 4 tries from 4 s up for queues: 4 to 6 s and more). Queue-triggered work
 * loses nothing by failing fast: the message comes back and is tried again.
 */
export const TABLE_RETRY_OPTIONS = { maxRetries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 400 };
export const QUEUE_RETRY_OPTIONS = { maxTries: 3, retryDelayInMs: 100, maxRetryDelayInMs: 400, tryTimeoutInMs: 10_000 };

export interface StorageClients {
  queueService: QueueServiceClient;
  tableService: TableServiceClient;
  queue(name: string): QueueClient;
  table(name: string): TableClient;
}

function credentialFor(clientId: string | undefined): TokenCredential {
  return clientId ? new ManagedIdentityCredential({ clientId }) : new DefaultAzureCredential();
}

function isLoopbackEndpoint(connectionString: string): boolean {
  return connectionString === DEV_STORAGE || /https?:\/\/(127\.|localhost|\[::1\])/.test(connectionString);
}

export function createStorageClients(settings: StorageSettings): StorageClients {
  if (settings.kind === 'connectionString') {
    const cs = settings.connectionString;
    // Azurite needs allowInsecureConnection for http table endpoints.
    const tableOptions = {
      retryOptions: TABLE_RETRY_OPTIONS,
      ...(isLoopbackEndpoint(cs) ? { allowInsecureConnection: true } : {}),
    };
    const queueService = QueueServiceClient.fromConnectionString(cs, { retryOptions: QUEUE_RETRY_OPTIONS });
    const tableService = TableServiceClient.fromConnectionString(cs, tableOptions);
    return {
      queueService,
      tableService,
      queue: (name) => queueService.getQueueClient(name),
      table: (name) => TableClient.fromConnectionString(cs, name, tableOptions),
    };
  }
  const credential = credentialFor(settings.clientId);
  const queueService = new QueueServiceClient(settings.queueServiceUri, credential, {
    retryOptions: QUEUE_RETRY_OPTIONS,
  });
  const tableOptions = { retryOptions: TABLE_RETRY_OPTIONS };
  const tableService = new TableServiceClient(settings.tableServiceUri, credential, tableOptions);
  return {
    queueService,
    tableService,
    queue: (name) => queueService.getQueueClient(name),
    table: (name) => new TableClient(settings.tableServiceUri, name, credential, tableOptions),
  };
}
