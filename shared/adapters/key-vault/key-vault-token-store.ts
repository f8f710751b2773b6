// Token store on Azure Key Vault: one secret per source, its value the grant document (JSON), its
// name from grant-secret-name.ts, non-secret tags for kbId/sourceId so an operator can find a source's
// secret. Each write is a new secret version, so the latest version is always the newest grant.
// Soft-delete, recovery and the opt-in purge: key-vault-secrets.ts.
import type { SecretClient } from '@azure/keyvault-secrets';
import type { SourceKey } from '../../core/domain/source.js';
import { grantSecretName } from './grant-secret-name.js';
import { KeyVaultSecrets, type KeyVaultSecretsOptions } from './key-vault-secrets.js';
import { parseStoredGrant, type StoredGrant } from '../../core/tokens/stored-grant.js';
import type { TokenStore } from '../../core/ports/token-store.js';

export type KeyVaultTokenStoreOptions = KeyVaultSecretsOptions;

export class KeyVaultTokenStore implements TokenStore {
  private readonly secrets: KeyVaultSecrets;

  constructor(client: SecretClient, options: KeyVaultTokenStoreOptions) {
    this.secrets = new KeyVaultSecrets(client, options);
  }

  async read(source: SourceKey): Promise<StoredGrant | undefined> {
    const value = await this.secrets.get(grantSecretName(source));
    return value === undefined ? undefined : parseStoredGrant(value);
  }

  async write(source: SourceKey, grant: StoredGrant): Promise<void> {
    await this.secrets.set(grantSecretName(source), JSON.stringify(grant), 'application/json', {
      kbId: source.kbId,
      sourceId: source.sourceId,
      kind: grant.kind,
    });
  }

  async remove(source: SourceKey): Promise<void> {
    await this.secrets.remove(grantSecretName(source));
  }
}
