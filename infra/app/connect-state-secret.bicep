// Creates CONNECT_STATE_SECRET, the HMAC key that signs the connect flow's `state`, in the deployment's
// Key Vault, once. @onlyIfNotExists (GA in Bicep 0.38.3) skips the secret when it already exists, so
// later deployments keep the first value instead of invalidating connect flows in progress; rotate it
// by hand (docs/deploy.md). The function app sees it only through a Key Vault reference.

// Parameters //

@description('Required. Key Vault of the deployment.')
param keyVaultName string

@description('Required. Name of the secret; app/api.bicep references it by this name.')
param secretName string

@secure()
@description('Required. Value for a first deployment (main.bicep generates it); ignored once the secret exists.')
param secretValue string

// Resources //

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

@onlyIfNotExists()
resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: secretName
  properties: {
    value: secretValue
    contentType: 'HMAC key of the connect flow state (CONNECT_STATE_SECRET)'
  }
}

// Outputs //

@description('Name of the secret (never its value).')
output name string = secret.name
