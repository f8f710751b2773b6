// The name under which a source's grant is stored. Key Vault secret names allow only 1-127
// characters of [0-9a-zA-Z-] ("Azure Key Vault keys, secrets and certificates overview"), while KB and
// source ids allow "_" and ".", so ids cannot be used directly. A SHA-256 over both ids gives a valid,
// fixed-length name that reveals nothing and cannot be derived from the KB id alone; the ids
// themselves travel as non-secret tags.
import { createHash } from 'node:crypto';
import type { SourceKey } from '../../core/domain/source.js';

const PREFIX = 'kbsync-grant-';

export function grantSecretName(source: SourceKey): string {
  // A NUL separator cannot occur in ids, so ("a", "bc") and ("ab", "c") never collide.
  const digest = createHash('sha256').update(`kb-sync grant\0${source.kbId}\0${source.sourceId}`).digest('hex');
  return `${PREFIX}${digest.slice(0, 48)}`;
}
