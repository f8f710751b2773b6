// When a message's content changed: its subject, its body or whether it has attachments. Reading it,
// flagging it, categorizing it or moving it changes its changeKey and eTag but none of these, so it
// is metadata only; editing a draft changes them.
import type { ContentFacts } from '../../../core/ports/provider-ports.js';

export function mailContentChanged(before: ContentFacts, after: ContentFacts): boolean {
  const a = before.contentVersion ?? {};
  const b = after.contentVersion ?? {};
  return a.subject !== b.subject || a.body !== b.body || a.hasAttachments !== b.hasAttachments;
}
