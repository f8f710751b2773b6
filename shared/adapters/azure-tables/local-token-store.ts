// Token store for local runs (no KEY_VAULT_URL): one table entity per source, the grant document
// sealed with AES-256-GCM (local-token-cipher.ts) and the id of the key that sealed it, so keys can be
// rotated. kbId/sourceId are stored in clear beside it, as the Key Vault adapter keeps them in tags.
// The hooks' signing secrets and the connectors' API keys share the table and the keys (local-hook-secret-store.ts), as do
// the Graph notification certificates (local-notification-key-ring.ts), so a key rotation re-seals them all.
import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import type { SourceKey } from '../../core/domain/source.js';
import { isRestError } from '../azure/rest-error.js';
import { grantSecretName } from '../key-vault/grant-secret-name.js';
import { deleteRowIfPresent } from './conditional-write.js';
import { open, seal } from './local-token-cipher.js';
import type { LocalTokenKeyRing } from './local-token-keys.js';
import { parseStoredGrant, type StoredGrant } from '../../core/tokens/stored-grant.js';
import type { TokenStore } from '../../core/ports/token-store.js';

const ROW_KEY = 'grant';
/** Row key of a KB's hook signing secret (local-hook-secret-store.ts), sealed the same way. */
export const HOOK_SECRET_ROW_KEY = 'hook-secret';
/** Row key of a KB connector's API key (local-hook-secret-store.ts, `LocalKbSecretStore`), sealed the same way. */
export const CONNECTOR_SECRET_ROW_KEY = 'connector-secret';
/** Row key of the Graph notification certificates and their private keys (local-notification-key-ring.ts). */
export const NOTIFICATION_CERTIFICATES_ROW_KEY = 'notification-certificates';
/** Every sealed row kind in the table: a key rotation re-seals all of them. */
const SEALED_ROW_KEYS = new Set([
  ROW_KEY,
  HOOK_SECRET_ROW_KEY,
  CONNECTOR_SECRET_ROW_KEY,
  NOTIFICATION_CERTIFICATES_ROW_KEY,
]);

export const sealedEntitySchema = z.object({
  partitionKey: z.string(),
  rowKey: z.string(),
  etag: z.string(),
  keyId: z.string(),
  iv: z.string(),
  ciphertext: z.string(),
  authTag: z.string(),
});
type SealedEntity = z.infer<typeof sealedEntitySchema>;

export class LocalTokenStore implements TokenStore {
  constructor(
    private readonly table: TableClient,
    private readonly keys: LocalTokenKeyRing,
  ) {}

  async read(source: SourceKey): Promise<StoredGrant | undefined> {
    const name = grantSecretName(source);
    let raw: unknown;
    try {
      raw = await this.table.getEntity(name, ROW_KEY);
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
    const entity = sealedEntitySchema.parse(raw);
    return parseStoredGrant(open(this.keys, entity, name));
  }

  async write(source: SourceKey, grant: StoredGrant): Promise<void> {
    const name = grantSecretName(source);
    const sealed = seal(this.keys, JSON.stringify(grant), name);
    await this.table.upsertEntity(
      {
        partitionKey: name,
        rowKey: ROW_KEY,
        kbId: source.kbId,
        sourceId: source.sourceId,
        kind: grant.kind,
        ...sealed,
      },
      'Replace',
    );
  }

  async remove(source: SourceKey): Promise<void> {
    await deleteRowIfPresent(this.table, grantSecretName(source), ROW_KEY);
  }

  /**
   * Re-seals every entity sealed with an older key under the current one (step two of a key
   * rotation) and returns how many it rewrote. Each rewrite is conditional on the entity's ETag, so
   * a refresh that wrote meanwhile (already with the current key) is never overwritten.
   */
  async reencryptWithCurrentKey(): Promise<number> {
    let rewritten = 0;
    for await (const raw of this.table.listEntities()) {
      const entity: SealedEntity = sealedEntitySchema.parse(raw);
      if (!SEALED_ROW_KEYS.has(entity.rowKey) || entity.keyId === this.keys.current.id) continue;
      const resealed = seal(this.keys, open(this.keys, entity, entity.partitionKey), entity.partitionKey);
      try {
        await this.table.updateEntity(
          { partitionKey: entity.partitionKey, rowKey: entity.rowKey, ...resealed },
          'Merge',
          {
            etag: entity.etag,
          },
        );
        rewritten++;
      } catch (error) {
        if (!isRestError(error, 412) && !isRestError(error, 404)) throw error;
      }
    }
    return rewritten;
  }

  /** How many entities each key id sealed: an old key may be dropped once its count is zero. */
  async countByKeyId(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for await (const raw of this.table.listEntities()) {
      const { keyId } = sealedEntitySchema.parse(raw);
      counts.set(keyId, (counts.get(keyId) ?? 0) + 1);
    }
    return counts;
  }
}
