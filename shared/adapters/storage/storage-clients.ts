// Builds the Storage SDK clients from config: a connection string (Azurite, local runs) or an
// identity-based connection (Azure: managed identity, as AzureWebJobsStorage__* settings describe).
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import type { StorageSettings } from '../../app/config.js';

const DEV_STORAGE = 'UseDevelopmentStorage=true';

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
    const tableOptions = isLoopbackEndpoint(cs) ? { allowInsecureConnection: true } : {};
    const queueService = QueueServiceClient.fromConnectionString(cs);
    const tableService = TableServiceClient.fromConnectionString(cs, tableOptions);
    return {
      queueService,
      tableService,
      queue: (name) => queueService.getQueueClient(name),
      table: (name) => TableClient.fromConnectionString(cs, name, tableOptions),
    };
  }
  const credential = credentialFor(settings.clientId);
  const queueService = new QueueServiceClient(settings.queueServiceUri, credential);
  const tableService = new TableServiceClient(settings.tableServiceUri, credential);
  return {
    queueService,
    tableService,
    queue: (name) => queueService.getQueueClient(name),
    table: (name) => new TableClient(settings.tableServiceUri, name, credential),
  };
}
