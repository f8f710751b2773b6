// Token store on Azure Key Vault: one secret per source, its value the grant document (JSON), its
// name from grant-secret-name.ts, non-secret tags for kbId/sourceId so an operator can find a source's
// secret. Each write is a new secret version, so the latest version is always the newest grant.
// Soft-delete is always on in Key Vault; a purge after delete is opt-in (KEY_VAULT_PURGE_ON_DELETE),
// because it needs the purge permission and defeats the vault's recovery window.
import type { SecretClient } from '@azure/keyvault-secrets';
import type { SourceKey } from '../../core/domain/source.js';
import { TransientError } from '../../core/domain/errors.js';
import { isRestError, restErrorStatus, serviceErrorCode } from '../azure/rest-error.js';
import { grantSecretName } from './grant-secret-name.js';
import { parseStoredGrant, type StoredGrant } from '../../core/tokens/stored-grant.js';
import type { TokenStore } from '../../core/ports/token-store.js';

export interface KeyVaultTokenStoreOptions {
  purgeOnDelete: boolean;
  /** Poll interval of the SDK's delete/recover pollers; the SDK default (2 s) unless a test shortens it. */
  pollIntervalMs?: number;
}

/** Identifies our secrets among others in a shared vault. */
const APP_TAG = 'kb-sync';

export class KeyVaultTokenStore implements TokenStore {
  constructor(
    private readonly client: SecretClient,
    private readonly options: KeyVaultTokenStoreOptions,
  ) {}

  async read(source: SourceKey): Promise<StoredGrant | undefined> {
    let value: string | undefined;
    try {
      value = (await this.client.getSecret(grantSecretName(source))).value;
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw storeError('read', error);
    }
    return value === undefined ? undefined : parseStoredGrant(value);
  }

  async write(source: SourceKey, grant: StoredGrant): Promise<void> {
    const name = grantSecretName(source);
    try {
      await this.set(name, source, grant);
    } catch (error) {
      // A removed source's secret stays soft-deleted for the vault's retention period, and Key Vault
      // refuses to set a secret of that name meanwhile (409 "deleted but recoverable"). Recovering it
      // (which needs no purge permission) and writing a new version on top reuses the name.
      if (!isRestError(error, 409)) throw storeError('write', error);
      await this.recover(name);
      try {
        await this.set(name, source, grant);
      } catch (retryError) {
        throw storeError('write', retryError);
      }
    }
  }

  async remove(source: SourceKey): Promise<void> {
    const name = grantSecretName(source);
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

  private async set(name: string, source: SourceKey, grant: StoredGrant): Promise<void> {
    await this.client.setSecret(name, JSON.stringify(grant), {
      contentType: 'application/json',
      tags: { app: APP_TAG, kbId: source.kbId, sourceId: source.sourceId, kind: grant.kind },
    });
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
function storeError(operation: string, error: unknown): Error {
  const status = restErrorStatus(error);
  const code = serviceErrorCode(error);
  const detail = `key vault ${operation} failed (${status ?? 'no response'}${code === undefined ? '' : ` ${code}`})`;
  if (status === undefined || status === 408 || status === 429 || status >= 500) return new TransientError(detail);
  return new Error(detail);
}
