// The app's identities from config: its Azure identity (Key Vault, federated assertions) and its client
// credential at the Microsoft token endpoint, by precedence MS_CLIENT_SECRET, then
// MS_CLIENT_CERTIFICATE_PATH, then MS_FEDERATED_IDENTITY_CLIENT_ID, else a public client.
import { readFileSync } from 'node:fs';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { Config } from './config.js';
import {
  certificateCredential,
  clientSecretCredential,
  managedIdentityFederationCredential,
  type ClientCredential,
} from '../providers/microsoft/identity/client-credential.js';

/**
 * The Azure identity, built on first use (Key Vault or a federated assertion): a local run needs no
 * Azure sign-in. `given` (tests: a fake) replaces it.
 */
export function lazyAzureIdentity(config: Config, given?: TokenCredential): () => TokenCredential {
  let identity = given;
  return () => (identity ??= azureCredential(config));
}

export function clientCredential(config: Config, identity: () => TokenCredential): ClientCredential | undefined {
  if (config.providers.microsoft.clientSecret) return clientSecretCredential(config.providers.microsoft.clientSecret);
  if (config.providers.microsoft.clientCertificatePath) {
    return certificateCredential({
      clientId: config.providers.microsoft.clientId!,
      pem: readFileSync(config.providers.microsoft.clientCertificatePath, 'utf8'),
    });
  }
  if (config.providers.microsoft.federatedIdentityClientId) return managedIdentityFederationCredential(identity());
  return undefined;
}

/**
 * In Azure, the app's user-assigned managed identity (its client id is in the storage or federation
 * settings); elsewhere DefaultAzureCredential (developer sign-in through the Azure CLI and friends).
 */
function azureCredential(config: Config): TokenCredential {
  const clientId =
    config.providers.microsoft.federatedIdentityClientId ??
    (config.storage.kind === 'identity' ? config.storage.clientId : undefined);
  return clientId ? new ManagedIdentityCredential({ clientId }) : new DefaultAzureCredential();
}
