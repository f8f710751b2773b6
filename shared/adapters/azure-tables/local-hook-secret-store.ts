// A KB's hook signing secret for local runs (no KEY_VAULT_URL): sealed with AES-256-GCM under the
// local token keys, in the local token table beside the grants (local-token-store.ts), so it is never
// in a table row in clear and a key rotation re-seals it with them.
import type { TableClient } from '@azure/data-tables';
import type { HookSecretStore } from '../../core/ports/hook-ports.js';
import { isRestError } from '../azure/rest-error.js';
import { hookSecretName } from '../key-vault/grant-secret-name.js';
import { deleteRowIfPresent } from './conditional-write.js';
import { open, seal } from './local-token-cipher.js';
import type { LocalTokenKeyRing } from './local-token-keys.js';
import { HOOK_SECRET_ROW_KEY, sealedEntitySchema } from './local-token-store.js';

export class LocalHookSecretStore implements HookSecretStore {
  /** `keys` is read on first use: a process that never touches a hook needs no LOCAL_TOKEN_KEYS. */
  constructor(
    private readonly table: TableClient,
    private readonly keys: () => LocalTokenKeyRing,
  ) {}

  async read(kbId: string): Promise<string | undefined> {
    const name = hookSecretName(kbId);
    let raw: unknown;
    try {
      raw = await this.table.getEntity(name, HOOK_SECRET_ROW_KEY);
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
    return open(this.keys(), sealedEntitySchema.parse(raw), name);
  }

  async write(kbId: string, secret: string): Promise<void> {
    const name = hookSecretName(kbId);
    await this.table.upsertEntity(
      { partitionKey: name, rowKey: HOOK_SECRET_ROW_KEY, kbId, kind: 'hook', ...seal(this.keys(), secret, name) },
      'Replace',
    );
  }

  async remove(kbId: string): Promise<void> {
    await deleteRowIfPresent(this.table, hookSecretName(kbId), HOOK_SECRET_ROW_KEY);
  }
}
