// Deletes a source's subscription in Graph and its row here, when the source is removed or moves to
// another drive. What cannot or need not be deleted in Graph is not an error: a subscription already
// gone (404), or one we can no longer reach (dead grant in needs_reauth, access denied) lapses
// unrenewed within days, and once its row is gone its notifications stop at the webhook as unknown.
// Transient failures are thrown, so the caller can answer "retry later".
import type { SourceRecord } from '../domain/source.js';
import { NotFoundError, PermanentSourceError, ReauthRequiredError } from '../domain/errors.js';
import type { ProviderRegistry } from '../ports/provider-ports.js';
import type { SubscriptionRepository } from '../ports/subscription-repository.js';

export async function giveUpSubscription(
  providers: ProviderRegistry,
  subscriptions: Pick<SubscriptionRepository, 'delete'>,
  source: SourceRecord,
): Promise<void> {
  const subscriptionId = source.subscriptionId;
  if (subscriptionId === undefined || subscriptionId === '') return;
  try {
    await providers.get(source.type).deleteSubscription(source, subscriptionId);
  } catch (error) {
    const cannotOrNeedNot =
      error instanceof NotFoundError || error instanceof ReauthRequiredError || error instanceof PermanentSourceError;
    if (!cannotOrNeedNot) throw error;
  }
  await subscriptions.delete(subscriptionId);
}
