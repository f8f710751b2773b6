// Step two of a local token key rotation (docs/tokens.md): re-seals every grant in the local token
// table with the first key of LOCAL_TOKEN_KEYS and prints how many entities each key id now seals.
// Run with the app's settings in the environment: `npx tsx shared/adapters/azure-tables/reencrypt-local-tokens.ts`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../app/config.js';
import { TABLES } from '../storage/names.js';
import { createStorageClients } from '../storage/storage-clients.js';
import { parseLocalTokenKeys } from './local-token-keys.js';
import { LocalTokenStore } from './local-token-store.js';

export async function reencryptLocalTokens(
  config: Config,
): Promise<{ resealed: number; byKeyId: Map<string, number> }> {
  const table = createStorageClients(config.storage).table(TABLES.localTokens);
  const store = new LocalTokenStore(table, parseLocalTokenKeys(config.tokens.localTokenKeys));
  const resealed = await store.reencryptWithCurrentKey();
  return { resealed, byKeyId: await store.countByKeyId() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { resealed, byKeyId } = await reencryptLocalTokens(loadConfig());
  // Key ids and counts only: never key material.
  console.log(JSON.stringify({ resealed, entitiesByKeyId: Object.fromEntries(byKeyId) }));
}
