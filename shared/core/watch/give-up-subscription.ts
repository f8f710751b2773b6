// Deletes a source's watch at its provider and its row here, when the source is removed or moves to
// another location. What cannot or need not be deleted at the provider is not an error: a watch
// already gone (404), or one we can no longer reach (dead grant in needs_reauth, access denied) lapses
// unrenewed, and once its row is gone its notifications stop at the webhook as unknown.
// Transient failures are thrown, so the caller can answer "retry later".
import type { SourceRecord } from '../domain/source.js';
import { NotFoundError, PermanentSourceError, ReauthRequiredError } from '../domain/errors.js';
import type { ProviderRegistry } from '../ports/provider-ports.js';
import type { WatchRepository } from '../ports/watch-repository.js';

export async function giveUpSubscription(
  providers: ProviderRegistry,
  subscriptions: Pick<WatchRepository, 'get' | 'delete'>,
  source: SourceRecord,
): Promise<void> {
  const subscriptionId = source.subscriptionId;
  if (subscriptionId === undefined || subscriptionId === '') return;
  try {
    const watch = providers.get(source.type).watch;
    if (watch) {
      // The record may hold what the provider needs besides the id to stop it (WatchInfo.resource).
      const record = await subscriptions.get(subscriptionId);
      await watch.delete(source, { watchId: subscriptionId, resource: record?.resource });
    }
  } catch (error) {
    const cannotOrNeedNot =
      error instanceof NotFoundError || error instanceof ReauthRequiredError || error instanceof PermanentSourceError;
    if (!cannotOrNeedNot) throw error;
  }
  await subscriptions.delete(subscriptionId);
}
