// A permanently invalid grant (ReauthRequiredError) puts the source in needs_reauth with the token
// error as its reason (invariant 4); nothing retries until the user connects again.
import type { SourceKey } from '../domain/source.js';
import type { Logger } from '../ports/logger.js';
import type { SourceRepository } from '../ports/source-repository.js';
import type { ReauthRequiredError } from '../domain/errors.js';

export async function markNeedsReauth(
  sources: Pick<SourceRepository, 'update'>,
  key: SourceKey,
  error: ReauthRequiredError,
  log: Logger,
  event: string,
): Promise<void> {
  await sources.update(key, (current) => ({ ...current, state: 'needs_reauth', stateReason: error.reason }));
  log.warn(event, { ...key });
}
