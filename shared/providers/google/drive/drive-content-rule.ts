// Did the content of a Drive file change? Blobs carry checksums (sha256Checksum, md5Checksum) and a
// head revision; Docs Editors files carry neither, only `version`, which also moves on a rename, so
// for them a rename is treated as a content change (one needless re-export, never a missed edit).
import type { ContentFacts } from '../../../core/ports/provider-ports.js';

export function googleContentChanged(before: ContentFacts, after: ContentFacts): boolean {
  if (before.contentHash && after.contentHash && before.contentHash.algorithm === after.contentHash.algorithm) {
    return before.contentHash.value !== after.contentHash.value;
  }
  const nativeBefore = before.contentVersion?.nativeVersion;
  const nativeAfter = after.contentVersion?.nativeVersion;
  if (nativeBefore !== undefined || nativeAfter !== undefined) return nativeBefore !== nativeAfter;
  const revisionBefore = before.contentVersion?.headRevisionId;
  const revisionAfter = after.contentVersion?.headRevisionId;
  if (revisionBefore !== undefined && revisionAfter !== undefined) return revisionBefore !== revisionAfter;
  return before.size !== after.size;
}
