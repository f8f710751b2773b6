// The drive provider's content-version rule: did the bytes change? Business/SharePoint delta never
// returns cTag (docs/graph-behaviour.md §1), so "skip when cTag is unchanged" cannot work there:
// compare quickXorHash first (the one hash both drive types guarantee), then other hashes, cTag,
// size, and only then fall back to eTag (which also changes on a rename, so it can only err towards
// a needless re-download, never a missed change).
import type { ContentFacts } from '../../../core/ports/provider-ports.js';

export interface DriveContentFacts {
  quickXorHash?: string;
  sha1Hash?: string;
  cTag?: string;
  size?: number;
  eTag?: string;
}

export function contentChanged(before: DriveContentFacts, after: DriveContentFacts): boolean {
  if (before.quickXorHash && after.quickXorHash) return before.quickXorHash !== after.quickXorHash;
  if (before.sha1Hash && after.sha1Hash) return before.sha1Hash !== after.sha1Hash;
  if (before.cTag && after.cTag) return before.cTag !== after.cTag;
  if (before.size !== undefined && after.size !== undefined && before.size !== after.size) return true;
  // A hash that was missing and is now filled in, with the same eTag: the same bytes.
  return before.eTag !== after.eTag;
}

/** The provider's `contentChanged`: the rule above over the neutral item facts. */
export function driveContentChanged(before: ContentFacts, after: ContentFacts): boolean {
  return contentChanged(driveContentFacts(before), driveContentFacts(after));
}

/** The neutral item facts (drive-item-mapping.ts put them there) in the rule's terms. */
export function driveContentFacts(facts: ContentFacts): DriveContentFacts {
  return {
    quickXorHash: facts.contentHash?.algorithm === 'quickXorHash' ? facts.contentHash.value : undefined,
    sha1Hash: facts.contentVersion?.sha1Hash,
    cTag: facts.contentVersion?.cTag,
    size: facts.size,
    eTag: facts.eTag,
  };
}
