// A KB's hook signing secret in Azure Key Vault (KEY_VAULT_URL set): one secret per KB, named by a
// digest of the KB id (grant-secret-name.ts), tagged with the KB id, kept like the grants
// (key-vault-secrets.ts).
import type { SecretClient } from '@azure/keyvault-secrets';
import type { HookSecretStore } from '../../core/ports/hook-ports.js';
import { hookSecretName } from './grant-secret-name.js';
import { KeyVaultSecrets, type KeyVaultSecretsOptions } from './key-vault-secrets.js';

export class KeyVaultHookSecretStore implements HookSecretStore {
  private readonly secrets: KeyVaultSecrets;

  constructor(client: SecretClient, options: KeyVaultSecretsOptions) {
    this.secrets = new KeyVaultSecrets(client, options);
  }

  read(kbId: string): Promise<string | undefined> {
    return this.secrets.get(hookSecretName(kbId));
  }

  write(kbId: string, secret: string): Promise<void> {
    return this.secrets.set(hookSecretName(kbId), secret, 'text/plain', { kbId, kind: 'hook' });
  }

  remove(kbId: string): Promise<void> {
    return this.secrets.remove(hookSecretName(kbId));
  }
}
