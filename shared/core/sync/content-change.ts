// Did the bytes change? Business/SharePoint delta never returns cTag (docs/graph-behaviour.md §1), so
// "skip when cTag is unchanged" cannot work there: compare quickXorHash first (the one hash both
// drive types guarantee), then other hashes, cTag, size, and only then fall back to eTag (which also
// changes on a rename, so it can only err towards a needless re-download, never a missed change).
import type { ItemState } from '../domain/item-state.js';

type ContentFacts = Pick<ItemState, 'quickXorHash' | 'sha1Hash' | 'cTag' | 'size' | 'eTag'>;

export function contentChanged(before: ContentFacts, after: ContentFacts): boolean {
  if (before.quickXorHash && after.quickXorHash) return before.quickXorHash !== after.quickXorHash;
  if (before.sha1Hash && after.sha1Hash) return before.sha1Hash !== after.sha1Hash;
  if (before.cTag && after.cTag) return before.cTag !== after.cTag;
  if (before.size !== undefined && after.size !== undefined && before.size !== after.size) return true;
  // A hash that was missing and is now filled in, with the same eTag: the same bytes.
  return before.eTag !== after.eTag;
}
