// The names under which a source's grant, a KB's hook signing secret and a KB connector's API key are stored. Key Vault secret
// names allow only 1-127 characters of [0-9a-zA-Z-] ("Azure Key Vault keys, secrets and certificates
// overview"), while KB and source ids allow "_" and ".", so ids cannot be used directly. A SHA-256
// over the ids gives a valid, fixed-length name that reveals nothing and cannot be derived from the KB
// id alone; the ids themselves travel as non-secret tags.
import { createHash } from 'node:crypto';
import type { SourceKey } from '../../core/domain/source.js';

function digestName(prefix: string, label: string, parts: readonly string[]): string {
  // A NUL separator cannot occur in ids, so ("a", "bc") and ("ab", "c") never collide.
  const digest = createHash('sha256')
    .update([label, ...parts].join('\0'))
    .digest('hex');
  return `${prefix}${digest.slice(0, 48)}`;
}

export function grantSecretName(source: SourceKey): string {
  return digestName('kbsync-grant-', 'kb-sync grant', [source.kbId, source.sourceId]);
}

export function hookSecretName(kbId: string): string {
  return digestName('kbsync-hook-', 'kb-sync hook', [kbId]);
}

export function connectorSecretName(kbId: string, type: string): string {
  return digestName('kbsync-connector-', 'kb-sync connector', [kbId, type]);
}
