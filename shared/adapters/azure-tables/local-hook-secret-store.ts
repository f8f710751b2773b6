// Per-KB secrets for local runs (no KEY_VAULT_URL): a hook's signing secret, a connector's API key.
// Sealed with AES-256-GCM under the local token keys, in the local token table beside the grants
// (local-token-store.ts), so they are never in a table row in clear and a key rotation re-seals them.
import type { TableClient } from '@azure/data-tables';
import type { HookSecretStore } from '../../core/ports/hook-ports.js';
import { isRestError } from '../azure/rest-error.js';
import { hookSecretName } from '../key-vault/grant-secret-name.js';
import { deleteRowIfPresent } from './conditional-write.js';
import { open, seal } from './local-token-cipher.js';
import type { LocalTokenKeyRing } from './local-token-keys.js';
import { HOOK_SECRET_ROW_KEY, sealedEntitySchema } from './local-token-store.js';

export interface KbSecretKind {
  /** The partition key (and the cipher's associated data) of a KB's secret of this kind. */
  nameOf(kbId: string): string;
  rowKey: string;
  /** Stored in clear beside the sealed value, like the Key Vault tags. */
  kind: string;
}

export class LocalKbSecretStore implements HookSecretStore {
  /** `keys` is read on first use: a process that never touches the secret needs no LOCAL_TOKEN_KEYS. */
  constructor(
    private readonly table: TableClient,
    private readonly keys: () => LocalTokenKeyRing,
    private readonly secretKind: KbSecretKind,
  ) {}

  async read(kbId: string): Promise<string | undefined> {
    const name = this.secretKind.nameOf(kbId);
    let raw: unknown;
    try {
      raw = await this.table.getEntity(name, this.secretKind.rowKey);
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
    return open(this.keys(), sealedEntitySchema.parse(raw), name);
  }

  async write(kbId: string, secret: string): Promise<void> {
    const name = this.secretKind.nameOf(kbId);
    await this.table.upsertEntity(
      {
        partitionKey: name,
        rowKey: this.secretKind.rowKey,
        kbId,
        kind: this.secretKind.kind,
        ...seal(this.keys(), secret, name),
      },
      'Replace',
    );
  }

  async remove(kbId: string): Promise<void> {
    await deleteRowIfPresent(this.table, this.secretKind.nameOf(kbId), this.secretKind.rowKey);
  }
}

export class LocalHookSecretStore extends LocalKbSecretStore {
  constructor(table: TableClient, keys: () => LocalTokenKeyRing) {
    super(table, keys, { nameOf: hookSecretName, rowKey: HOOK_SECRET_ROW_KEY, kind: 'hook' });
  }
}
