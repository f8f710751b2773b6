// Per-KB secrets in Azure Key Vault (KEY_VAULT_URL set): a hook's signing secret, a connector's API
// key. One secret per KB and kind, named by a digest of the ids (grant-secret-name.ts), tagged with
// the KB id and the kind, kept like the grants (key-vault-secrets.ts).
import type { SecretClient } from '@azure/keyvault-secrets';
import type { HookSecretStore } from '../../core/ports/hook-ports.js';
import { hookSecretName } from './grant-secret-name.js';
import { KeyVaultSecrets, type KeyVaultSecretsOptions } from './key-vault-secrets.js';

export class KeyVaultKbSecretStore implements HookSecretStore {
  private readonly secrets: KeyVaultSecrets;

  constructor(
    client: SecretClient,
    options: KeyVaultSecretsOptions,
    private readonly nameOf: (kbId: string) => string,
    private readonly kind: string,
  ) {
    this.secrets = new KeyVaultSecrets(client, options);
  }

  read(kbId: string): Promise<string | undefined> {
    return this.secrets.get(this.nameOf(kbId));
  }

  write(kbId: string, secret: string): Promise<void> {
    return this.secrets.set(this.nameOf(kbId), secret, 'text/plain', { kbId, kind: this.kind });
  }

  remove(kbId: string): Promise<void> {
    return this.secrets.remove(this.nameOf(kbId));
  }
}

export class KeyVaultHookSecretStore extends KeyVaultKbSecretStore {
  constructor(client: SecretClient, options: KeyVaultSecretsOptions) {
    super(client, options, hookSecretName, 'hook');
  }
}
