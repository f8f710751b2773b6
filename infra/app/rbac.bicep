// Every role assignment of the deployment, in one place. Least privilege: data-plane roles only, each
// scoped to one resource of this deployment (never the resource group or the subscription).
//
// Assignment names are guid(scope, principal, role), as in Azure-Samples/functions-quickstart-typescript-azd
// (infra/app/rbac.bicep), so a redeploy finds the same assignment instead of failing with a conflict.
// Role GUIDs: Microsoft Learn "Azure built-in roles"; each is followed by the role's name, which
// test/unit/infra/infra.test.ts checks against its own table.

// Parameters //

@description('Required. Storage account of the deployment (host storage, deployment package, app queues and tables).')
param storageAccountName string

@description('Required. Key Vault of the deployment.')
param keyVaultName string

@description('Required. Application Insights component of the deployment.')
param applicationInsightsName string

@description('Required. Principal (object) ID of the function app\'s user-assigned identity.')
param appPrincipalId string

@description('Optional. Object ID of the person or pipeline running azd. Empty: no deployer roles.')
param deployerPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
@description('Optional. Kind of principal behind deployerPrincipalId.')
param deployerPrincipalType string = 'User'

// Variables //

var roles = {
  // Host storage with an identity needs Owner on blobs (host locks, keys) and Flex deploys from a container.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
  // Queue triggers read and delete messages; the host moves failures to <queue>-poison; the app enqueues.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  // Sources, items, change feed, leases, subscriptions.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  // The app writes, rotates and deletes refresh tokens; Key Vault references need read, included here.
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' // Key Vault Secrets Officer
  // Telemetry ingestion with an Entra token (local auth is disabled on the component).
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher
}

var storageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

var hasDeployer = !empty(deployerPrincipalId)

// Resources //

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// The app's identity //

resource appStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoles: {
    name: guid(storage.id, appPrincipalId, roleId)
    scope: storage
    properties: {
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

resource appKeyVaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, appPrincipalId, roles.keyVaultSecretsOfficer)
  scope: keyVault
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

resource appMonitoringRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// The deployer: the same data roles, so `func start` / `npm start` on a workstation can use the deployed
// storage and vault with DefaultAzureCredential (az login). No telemetry role: local runs do not send it.

resource deployerStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoles: if (hasDeployer) {
    name: guid(storage.id, deployerPrincipalId, roleId)
    scope: storage
    properties: {
      principalId: deployerPrincipalId
      principalType: deployerPrincipalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

resource deployerKeyVaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (hasDeployer) {
  name: guid(keyVault.id, deployerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: keyVault
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}
