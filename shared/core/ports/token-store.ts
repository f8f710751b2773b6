// The token store port: where a source's grant document lives. Two adapters: Azure Key Vault
// (key-vault-token-store.ts) and an encrypted table for local runs (local-token-store.ts).
import type { SourceKey } from '../domain/source.js';
import type { StoredGrant } from '../tokens/stored-grant.js';

export interface TokenStore {
  /** The source's grant, or undefined when none is stored. */
  read(source: SourceKey): Promise<StoredGrant | undefined>;
  /** Replaces the source's grant. Callers serialise writes per source (the refresh lease). */
  write(source: SourceKey, grant: StoredGrant): Promise<void>;
  /** Removes every stored credential of the source; idempotent. */
  remove(source: SourceKey): Promise<void>;
}
