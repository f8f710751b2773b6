// KB Sync on Azure: one resource group holding a Flex Consumption function app, the user-assigned
// identity it runs as, a storage account reachable only with Entra ID, a Key Vault for refresh tokens
// (and the client secret, if one is used) and Application Insights over a Log Analytics workspace.
//
// Shape and Azure Verified Module versions follow Azure-Samples/functions-quickstart-typescript-azd
// (infra/main.bicep) and functions-quickstart-javascript-azd (infra/app/api.bicep, web/site 0.22.0 with
// `configs`). NOT COMPILED HERE: the Bicep CLI cannot be installed on the machine this was written on;
// test/unit/infra/infra.test.ts checks what can be checked without a compiler. Run `az bicep build
// --file infra/main.bicep` before the first `azd up`.
targetScope = 'subscription'

// Parameters //

@minLength(1)
@maxLength(64)
@description('Required. Name of the azd environment. Seeds resourceToken and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Required. Region of every resource; it must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Optional. Object ID of whoever runs azd (azd sets AZURE_PRINCIPAL_ID). Gets the same data roles as the app, so a local run works against the deployed resources. Empty: no deployer roles.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
@description('Optional. Kind of principal behind principalId: User for a person, ServicePrincipal for a CI pipeline.')
param principalType string = 'User'

@minLength(1)
@description('Required. Application (client) ID of the Entra app registration that signs users in and calls Graph (docs/deploy.md, step 1).')
param msClientId string

@description('Optional. Tenant of the app registration: a tenant ID, or `common` / `consumers` for personal OneDrive accounts. Empty: the tenant of this subscription.')
param msTenantId string = ''

@secure()
@description('Optional. Client secret of the app registration. Stored in Key Vault and exposed to the app only as a Key Vault reference. Empty: no secret (secretless federated credential, docs/deploy.md).')
param msClientSecret string = ''

@description('Optional. OAuth client ID of the Google Cloud web application client, for Google Drive sources (docs/provider-google.md). Empty: Microsoft sources only.')
param googleClientId string = ''

@description('Optional. Base URL of the Open WebUI that KB connectors apply their feeds to (docs/open-webui.md). Empty: no connector.')
param openWebUiBaseUrl string = ''

@secure()
@description('Optional. Secret of that Google client. Stored in Key Vault and exposed to the app only as a Key Vault reference (GOOGLE_CLIENT_SECRET).')
param googleClientSecret string = ''

@description('Optional. Comma-separated origins (scheme://host[:port]) the connect flow may send the browser back to: the host application, e.g. https://chat.example.com.')
param connectReturnToAllowlist string = ''

@secure()
@description('Optional. First value of CONNECT_STATE_SECRET (generated; two GUIDs, 244 random bits). Used only when the vault does not hold the secret yet. Do not map it in main.parameters.json.')
param connectStateSecret string = '${newGuid()}${newGuid()}'

@allowed([
  '20'
  '22'
])
@description('Optional. Node.js major version of the Flex Consumption runtime. Node 20 left LTS in April 2026, so 22 is the default.')
param nodeVersion string = '22'

@description('Optional. Flex Consumption instance memory in MB (2048 or 4096).')
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('Optional. Flex Consumption scale-out limit.')
param maximumInstanceCount int = 100

// Variables //

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-api-${resourceToken}'
// Flex Consumption deploys from a blob container; the name pattern is the quickstart's.
var deploymentStorageContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'
var graphTenantId = empty(msTenantId) ? tenant().tenantId : msTenantId
// Name of the vault secret holding MS_CLIENT_SECRET; empty when the secretless mode is used.
var clientSecretName = empty(msClientSecret) ? '' : 'ms-client-secret'
var connectStateSecretName = 'connect-state-secret'
// Name of the vault secret holding GOOGLE_CLIENT_SECRET; empty when no Google client is configured.
var googleClientSecretName = empty(googleClientSecret) ? '' : 'google-client-secret'

// Resources //

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

// The identity the function app runs as: storage, Key Vault, Key Vault references and App Insights
// all authenticate with it. Its roles are granted in app/rbac.bicep, nowhere else.
module apiIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'apiIdentity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module appServicePlan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'appServicePlan'
  scope: rg
  params: {
    name: 'plan-${resourceToken}'
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true // Linux: Flex Consumption runs on Linux only
    location: location
    tags: tags
  }
}

// One account for the Functions host (AzureWebJobsStorage), the deployment package and the app's own
// queues and tables. Shared keys are off: every client uses Entra ID.
module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled' // Flex without VNet integration reaches storage over its public endpoint
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    blobServices: {
      containers: [
        {
          name: deploymentStorageContainerName
        }
      ]
    }
  }
}

// Declares every queue (and its -poison twin) and table the app uses, so the app never needs to create
// them (shared/adapters/storage/names.ts is the source; the infra test compares the two).
module storageQueuesAndTables 'app/storage-queues-tables.bicep' = {
  name: 'storageQueuesAndTables'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
  }
}

// Refresh tokens live here (KEY_VAULT_URL). RBAC only, no access policies; purge protection on so a
// deleted vault (and the tokens in it) can always be recovered during the retention period.
module keyVault 'br/public:avm/res/key-vault/vault:0.13.3' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    sku: 'standard'
    enableRbacAuthorization: true
    enablePurgeProtection: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
  }
}

module clientSecret 'app/client-secret.bicep' = if (!empty(msClientSecret)) {
  name: 'clientSecret'
  scope: rg
  params: {
    keyVaultName: keyVault.outputs.name
    secretName: clientSecretName
    secretValue: msClientSecret
  }
}

module googleClientSecretModule 'app/client-secret.bicep' = if (!empty(googleClientSecret)) {
  name: 'googleClientSecret'
  scope: rg
  params: {
    keyVaultName: keyVault.outputs.name
    secretName: googleClientSecretName
    secretValue: googleClientSecret
    secretDescription: 'Client secret of the Google web application client named by GOOGLE_CLIENT_ID'
  }
}

module connectStateSecretModule 'app/connect-state-secret.bicep' = {
  name: 'connectStateSecret'
  scope: rg
  params: {
    keyVaultName: keyVault.outputs.name
    secretName: connectStateSecretName
    secretValue: connectStateSecret
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'logAnalytics'
  scope: rg
  params: {
    name: 'log-${resourceToken}'
    location: location
    tags: tags
    dataRetention: 30
  }
}

// Local (instrumentation-key) auth is disabled: telemetry is accepted only with an Entra token, which
// the app gets from its identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING in app/api.bicep).
module applicationInsights 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'applicationInsights'
  scope: rg
  params: {
    name: 'appi-${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true
  }
}

// Every role assignment of the deployment, for the app's identity and for the deployer.
module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: applicationInsights.outputs.name
    appPrincipalId: apiIdentity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    location: location
    tags: tags
    serverFarmResourceId: appServicePlan.outputs.resourceId
    storageAccountName: storage.outputs.name
    deploymentStorageContainerName: deploymentStorageContainerName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: applicationInsights.outputs.name
    identityResourceId: apiIdentity.outputs.resourceId
    identityClientId: apiIdentity.outputs.clientId
    msTenantId: graphTenantId
    msClientId: msClientId
    clientSecretName: clientSecretName
    connectStateSecretName: connectStateSecretName
    googleClientId: googleClientId
    openWebUiBaseUrl: openWebUiBaseUrl
    googleClientSecretName: googleClientSecretName
    connectReturnToAllowlist: connectReturnToAllowlist
    nodeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
  // Roles first, so the host's first start can already reach storage, the vault and App Insights, and
  // the vault secret exists before its Key Vault reference is resolved.
  dependsOn: [
    rbac
    storageQueuesAndTables
    clientSecret
    googleClientSecretModule
    connectStateSecretModule
  ]
}

// Outputs //
// azd writes these into .azure/<env>/.env; docs/deploy.md uses them for the host app and local runs.

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.publicBaseUrl
output KB_SYNC_API_BASE_URL string = '${api.outputs.publicBaseUrl}/api'
output PUBLIC_BASE_URL string = api.outputs.publicBaseUrl
// Compare with PUBLIC_BASE_URL after the first deployment (docs/deploy.md, step 2).
output AZURE_FUNCTION_DEFAULT_HOSTNAME string = api.outputs.defaultHostname
output CONNECT_REDIRECT_URI string = '${api.outputs.publicBaseUrl}/api/connect/callback'
output MS_TENANT_ID string = graphTenantId
output KEY_VAULT_URL string = keyVault.outputs.uri
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output STORAGE_BLOB_SERVICE_URI string = api.outputs.blobServiceUri
output STORAGE_QUEUE_SERVICE_URI string = api.outputs.queueServiceUri
output STORAGE_TABLE_SERVICE_URI string = api.outputs.tableServiceUri
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = apiIdentity.outputs.clientId
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = apiIdentity.outputs.principalId
output APPLICATIONINSIGHTS_CONNECTION_STRING string = applicationInsights.outputs.connectionString
