// Rich Teams notifications (docs/notifications.md, "Notifications with resource data"): the key ring
// of the certificates Graph encrypts with, and the validation-token verifier. Locally (no
// KEY_VAULT_URL) the ring is sealed in the local token table under LOCAL_TOKEN_KEYS; in Azure it is
// the Key Vault certificate NOTIFICATION_CERTIFICATE_NAME. Off (undefined) when
// TEAMS_RICH_NOTIFICATIONS=false, or in Azure without a certificate name.
import { CertificateClient } from '@azure/keyvault-certificates';
import { SecretClient } from '@azure/keyvault-secrets';
import type { TokenCredential } from '@azure/identity';
import { LocalNotificationKeyRing } from '../adapters/azure-tables/local-notification-key-ring.js';
import { parseLocalTokenKeys, type LocalTokenKeyRing } from '../adapters/azure-tables/local-token-keys.js';
import { KeyVaultNotificationKeyRing } from '../adapters/key-vault/key-vault-notification-key-ring.js';
import { TABLES } from '../adapters/storage/names.js';
import type { StorageClients } from '../adapters/storage/storage-clients.js';
import type { NotificationKeyRing } from '../providers/microsoft/webhooks/resource-data/notification-key-ring.js';
import {
  createValidationTokenVerifier,
  type ValidationTokenVerifier,
} from '../providers/microsoft/webhooks/resource-data/validation-tokens.js';
import { lazyAzureIdentity } from './app-identity.js';
import type { Config } from './config.js';

export interface RichNotificationServices {
  keys: NotificationKeyRing;
  tokens: ValidationTokenVerifier;
}

export interface RichNotificationOverrides {
  /** Replaces the key ring built from config (tests rotate a local ring they hold). */
  notificationKeys?: NotificationKeyRing;
  managedIdentity?: TokenCredential;
}

export function buildRichNotificationServices(
  config: Config,
  storage: StorageClients,
  overrides: RichNotificationOverrides = {},
): RichNotificationServices | undefined {
  const microsoft = config.providers.microsoft;
  if (!microsoft.teamsRichNotifications) return undefined;
  const keys = overrides.notificationKeys ?? notificationKeyRing(config, storage, overrides);
  if (!keys) return undefined;
  let verifier: ValidationTokenVerifier | undefined;
  // Built on first use: MS_CLIENT_ID is the tokens' audience, and a process may never see a token.
  const tokens: ValidationTokenVerifier = {
    verify: (token, tenantIds) =>
      (verifier ??= createValidationTokenVerifier({
        authorityHost: microsoft.authorityHost,
        clientId: microsoft.clientId ?? '',
      })).verify(token, tenantIds),
  };
  return { keys, tokens };
}

function notificationKeyRing(
  config: Config,
  storage: StorageClients,
  overrides: RichNotificationOverrides,
): NotificationKeyRing | undefined {
  const { keyVaultUrl, localTokenKeys } = config.tokens;
  if (!keyVaultUrl) {
    let sealing: LocalTokenKeyRing | undefined;
    return new LocalNotificationKeyRing(
      storage.table(TABLES.localTokens),
      () => (sealing ??= parseLocalTokenKeys(localTokenKeys)),
    );
  }
  const certificateName = config.providers.microsoft.notificationCertificateName;
  if (!certificateName) return undefined;
  // Built on first use: a process that never subscribes or receives needs no Azure sign-in.
  const identity = lazyAzureIdentity(config, overrides.managedIdentity);
  let built: KeyVaultNotificationKeyRing | undefined;
  const get = () =>
    (built ??= new KeyVaultNotificationKeyRing(
      new CertificateClient(keyVaultUrl, identity()),
      new SecretClient(keyVaultUrl, identity()),
      { certificateName },
    ));
  return {
    currentCertificate: () => get().currentCertificate(),
    privateKey: (id) => get().privateKey(id),
  };
}
