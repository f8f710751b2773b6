// The function app: Flex Consumption, Node.js, running as the user-assigned identity, with every
// setting shared/app/config.ts needs in Azure. Only identity-based connections: no connection
// string, account key or instrumentation key anywhere.
//
// functionAppConfig and `configs` follow Azure-Samples/functions-quickstart-javascript-azd
// infra/app/api.bicep (br/public:avm/res/web/site:0.22.0). Identity-based AzureWebJobsStorage settings:
// Microsoft Learn "Connecting to host storage with an identity" (functions-reference). Key Vault
// references: "Use Key Vault references as app settings" (app-service-key-vault-references).

// Parameters //

@description('Required. Name of the function app; also its default host name <name>.azurewebsites.net.')
param name string

@description('Optional. Location of the function app.')
param location string = resourceGroup().location

@description('Optional. Tags; azd-service-name is added so `azd deploy` finds the app.')
param tags object = {}

@description('Required. Resource ID of the Flex Consumption (FC1) plan.')
param serverFarmResourceId string

@description('Required. Storage account for the Functions host, the deployment package and the app state.')
param storageAccountName string

@description('Required. Blob container Flex Consumption deploys the app package from.')
param deploymentStorageContainerName string

@description('Required. Key Vault holding refresh tokens and, optionally, the client secret.')
param keyVaultName string

@description('Required. Application Insights component (local auth disabled).')
param applicationInsightsName string

@description('Required. Resource ID of the user-assigned identity the app runs as.')
param identityResourceId string

@description('Required. Client ID of that identity.')
param identityClientId string

@description('Required. Tenant used for sign-in and token refresh (MS_TENANT_ID).')
param msTenantId string

@description('Required. Application (client) ID of the Entra app registration (MS_CLIENT_ID).')
param msClientId string

@description('Optional. NCRONTAB schedule of the maintenance timer (six fields).')
param maintenanceSchedule string = '0 */5 * * * *'

@description('Optional. Name of the vault secret holding the client secret. Empty: secretless mode (MS_FEDERATED_IDENTITY_CLIENT_ID instead of MS_CLIENT_SECRET).')
param clientSecretName string = ''

@description('Optional. OAuth client ID of the Google Cloud web application client (GOOGLE_CLIENT_ID). Empty: no Google Drive sources.')
param googleClientId string = ''

@description('Optional. Base URL of the Open WebUI the KBs\' connectors apply their feeds to (OPENWEBUI_BASE_URL; docs/open-webui.md). Empty: no connector.')
param openWebUiBaseUrl string = ''

@description('Optional. Name of the vault secret holding GOOGLE_CLIENT_SECRET. Empty: no Google Drive sources.')
param googleClientSecretName string = ''

@description('Required. Name of the vault secret holding CONNECT_STATE_SECRET.')
param connectStateSecretName string

@description('Optional. Comma-separated origins the connect flow may return the browser to (CONNECT_RETURN_TO_ALLOWLIST).')
param connectReturnToAllowlist string = ''

@description('Optional. Node.js major version.')
param nodeVersion string = '22'

@description('Optional. Instance memory in MB.')
param instanceMemoryMB int = 2048

@description('Optional. Scale-out limit.')
param maximumInstanceCount int = 100

// Variables //

// The app's own public base; webhook notification URLs and the connect redirect URI hang off it
// (`${PUBLIC_BASE_URL}/api/...`). Computed from the name because an app cannot read its own host name
// while it is being created; it holds as long as the app does not opt into unique default host names.
var publicBaseUrl = 'https://${name}.azurewebsites.net'

// Functions host storage through the managed identity (AzureWebJobsStorage__*). The app's own
// queue and table clients read the same queue/table URIs and client ID (shared/app/config.ts).
var storageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
}

// The connection string only locates the ingestion endpoint; with local auth disabled on the
// component, telemetry is accepted only with the Entra token named by the authentication string.
var monitoringSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

var applicationSettings = {
  // DefaultAzureCredential (used by the Key Vault client) picks the user-assigned identity by this
  // client ID; without it, it finds no identity (the app has no system-assigned one).
  AZURE_CLIENT_ID: identityClientId
  MS_TENANT_ID: msTenantId
  MS_CLIENT_ID: msClientId
  PUBLIC_BASE_URL: publicBaseUrl
  KEY_VAULT_URL: keyVault.properties.vaultUri
  // The maintenance timer's schedule is the binding expression %MAINTENANCE_SCHEDULE%, which the
  // Functions host resolves from app settings (not from the app's config defaults): it must be set.
  MAINTENANCE_SCHEDULE: maintenanceSchedule
}

// The connect flow (GET /api/connect/start, /api/connect/callback): the HMAC key of its signed state, a
// secret, only as a Key Vault reference; and the origins it may send the browser back to.
var connectSettings = {
  CONNECT_STATE_SECRET: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${connectStateSecretName})'
  CONNECT_RETURN_TO_ALLOWLIST: connectReturnToAllowlist
}

// How the app proves its identity to Entra ID when it redeems codes and refresh tokens: with the client
// secret, which never appears in the site's configuration (the platform resolves the Key Vault reference
// with the identity named by keyVaultAccessIdentityResourceId below), or, with no secret, secretless: a
// token of the user-assigned identity as a federated client assertion (docs/deploy.md, step 1d).
var clientCredentialSettings = empty(clientSecretName)
  ? {
      MS_FEDERATED_IDENTITY_CLIENT_ID: identityClientId
    }
  : {
      MS_CLIENT_SECRET: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${clientSecretName})'
    }

// Google Drive sources (docs/provider-google.md, "Identity"): the web client's id and its secret, the
// secret only as a Key Vault reference, beside the Microsoft ones. Without a Google client the app
// serves Microsoft sources only.
var googleSettings = empty(googleClientSecretName)
  ? {}
  : {
      GOOGLE_CLIENT_ID: googleClientId
      GOOGLE_CLIENT_SECRET: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${googleClientSecretName})'
    }

// The Open WebUI connector (docs/open-webui.md): only its base URL is a setting; each KB's API key is
// stored in Key Vault by the PUT that starts the connector.
var openWebUiSettings = empty(openWebUiBaseUrl)
  ? {}
  : {
      OPENWEBUI_BASE_URL: openWebUiBaseUrl
    }

// Resources //

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

module site 'br/public:avm/res/web/site:0.22.0' = {
  name: '${name}-site'
  params: {
    kind: 'functionapp,linux'
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    serverFarmResourceId: serverFarmResourceId
    httpsOnly: true
    managedIdentities: {
      systemAssigned: false
      userAssignedResourceIds: [
        identityResourceId
      ]
    }
    keyVaultAccessIdentityResourceId: identityResourceId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentStorageContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
    siteConfig: {
      alwaysOn: false
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
    }
    configs: [
      {
        name: 'appsettings'
        properties: union(
          storageSettings,
          monitoringSettings,
          applicationSettings,
          connectSettings,
          clientCredentialSettings,
          googleSettings,
          openWebUiSettings
        )
      }
    ]
  }
}

// Outputs //

@description('Name of the function app.')
output name string = site.outputs.name

@description('Host name Azure actually assigned; equals the host of publicBaseUrl unless unique default host names are in force.')
output defaultHostname string = site.outputs.defaultHostname

@description('The app\'s public https base (PUBLIC_BASE_URL).')
output publicBaseUrl string = publicBaseUrl

@description('Blob endpoint of the storage account.')
output blobServiceUri string = storage.properties.primaryEndpoints.blob

@description('Queue endpoint of the storage account.')
output queueServiceUri string = storage.properties.primaryEndpoints.queue

@description('Table endpoint of the storage account.')
output tableServiceUri string = storage.properties.primaryEndpoints.table
