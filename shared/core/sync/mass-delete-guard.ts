// A sync that would delete more than a share of a source's files is held for the host to confirm:
// an accidental mass delete (or a provider glitch) must not empty the host's index silently.

export interface MassDeletePolicy {
  /** Share of the source's files (0..1]. */
  ratio: number;
  /** Never hold fewer deletes than this. */
  minItems: number;
}

export function shouldHoldDeletes(deleteCount: number, itemCount: number, policy: MassDeletePolicy): boolean {
  if (deleteCount < policy.minItems) return false;
  return deleteCount > policy.ratio * itemCount;
}
