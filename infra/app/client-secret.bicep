// Stores an OAuth client secret (the Entra app registration's, or the Google web client's) in the
// deployment's Key Vault. The function app sees it only through a Key Vault reference (MS_CLIENT_SECRET
// or GOOGLE_CLIENT_SECRET in app/api.bicep); the value is a @secure() parameter, so ARM keeps it out of
// deployment history and outputs.

// Parameters //

@description('Required. Key Vault of the deployment.')
param keyVaultName string

@description('Required. Name of the secret; app/api.bicep references it by this name.')
param secretName string

@secure()
@description('Required. The client secret.')
param secretValue string

@description('Optional. What the secret is, for people reading the vault.')
param secretDescription string = 'Client secret of the Entra app registration named by MS_CLIENT_ID'

// Resources //

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: secretName
  properties: {
    value: secretValue
    contentType: secretDescription
  }
}

// Outputs //

@description('Name of the stored secret (never its value).')
output name string = secret.name
