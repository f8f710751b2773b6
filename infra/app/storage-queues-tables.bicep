// Declares every queue (with the -poison queue the Functions host moves failed messages to) and every
// table the app uses. shared/adapters/storage/names.ts is the source of these names and
// shared/adapters/storage/ensure-storage.ts creates the same set at start-up; declaring them here means the app's
// identity never has to create anything on a locked-down account. test/unit/infra/infra.test.ts fails
// when this list and names.ts disagree.

// Parameters //

@description('Required. Storage account that holds the app state.')
param storageAccountName string

// Variables //

var queueNames = [
  'graph-notifications'
  'graph-notifications-poison'
  'graph-lifecycle'
  'graph-lifecycle-poison'
  'sync-jobs'
  'sync-jobs-poison'
  'maintenance-work'
  'maintenance-work-poison'
  'hook-delivery'
  'hook-delivery-poison'
  'connector-work'
  'connector-work-poison'
]

var tableNames = [
  'sources'
  'items'
  'changes'
  'changecounters'
  'leases'
  'subscriptions'
  'localtokens'
  'connectstates'
  'hooks'
  'connectors'
  'connectoritems'
  'syncruns'
  'audit'
]

// Resources //

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

// The default queue and table services exist on every StorageV2 account; referencing them as existing
// leaves their settings alone.
resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]
