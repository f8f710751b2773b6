// Named secrets in Azure Key Vault, as the grant store and the hook secret store keep them: read the
// latest version, write a new one (recovering a soft-deleted secret of the same name first), delete
// and optionally purge. Errors carry the operation and status only.
// Soft-delete is always on in Key Vault; a purge after delete is opt-in (KEY_VAULT_PURGE_ON_DELETE),
// because it needs the purge permission and defeats the vault's recovery window.
import type { SecretClient } from '@azure/keyvault-secrets';
import { TransientError } from '../../core/domain/errors.js';
import { isRestError, restErrorStatus, serviceErrorCode } from '../azure/rest-error.js';

export interface KeyVaultSecretsOptions {
  purgeOnDelete: boolean;
  /** Poll interval of the SDK's delete/recover pollers; the SDK default (2 s) unless a test shortens it. */
  pollIntervalMs?: number;
}

/** Identifies our secrets among others in a shared vault. */
const APP_TAG = 'kb-sync';

export class KeyVaultSecrets {
  constructor(
    private readonly client: SecretClient,
    private readonly options: KeyVaultSecretsOptions,
  ) {}

  async get(name: string): Promise<string | undefined> {
    try {
      return (await this.client.getSecret(name)).value;
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw storeError('read', error);
    }
  }

  async set(name: string, value: string, contentType: string, tags: Record<string, string>): Promise<void> {
    const set = () => this.client.setSecret(name, value, { contentType, tags: { app: APP_TAG, ...tags } });
    try {
      await set();
    } catch (error) {
      // A removed secret stays soft-deleted for the vault's retention period, and Key Vault refuses
      // to set a secret of that name meanwhile (409 "deleted but recoverable"). Recovering it (which
      // needs no purge permission) and writing a new version on top reuses the name.
      if (!isRestError(error, 409)) throw storeError('write', error);
      await this.recover(name);
      try {
        await set();
      } catch (retryError) {
        throw storeError('write', retryError);
      }
    }
  }

  async remove(name: string): Promise<void> {
    try {
      const poller = await this.client.beginDeleteSecret(name, this.pollerOptions());
      await poller.pollUntilDone();
    } catch (error) {
      if (!isRestError(error, 404)) throw storeError('delete', error);
    }
    if (!this.options.purgeOnDelete) return;
    try {
      await this.client.purgeDeletedSecret(name);
    } catch (error) {
      if (!isRestError(error, 404)) throw storeError('purge', error);
    }
  }

  private async recover(name: string): Promise<void> {
    try {
      const poller = await this.client.beginRecoverDeletedSecret(name, this.pollerOptions());
      await poller.pollUntilDone();
    } catch (error) {
      throw storeError('recover', error);
    }
  }

  private pollerOptions(): { intervalInMs?: number } {
    return this.options.pollIntervalMs === undefined ? {} : { intervalInMs: this.options.pollIntervalMs };
  }
}

/**
 * A new error with the operation and status only: the SDK's RestError carries the request and
 * response, and a response to a secret read holds the secret, so it is not passed on as a cause.
 */
export function storeError(operation: string, error: unknown): Error {
  const status = restErrorStatus(error);
  const code = serviceErrorCode(error);
  const detail = `key vault ${operation} failed (${status ?? 'no response'}${code === undefined ? '' : ` ${code}`})`;
  if (status === undefined || status === 408 || status === 429 || status >= 500) return new TransientError(detail);
  return new Error(detail);
}
