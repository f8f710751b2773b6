// Acts on a verified lifecycle event (graph-behaviour.md §4; Microsoft Graph "Reduce missing
// subscriptions and change notifications"): reauthorizationRequired → reauthorize (or renew);
// subscriptionRemoved → a new subscription, then delta; missed → delta. A permanently invalid token
// puts the source in needs_reauth (SubscriptionManager does that).
import type { SourceKey } from '../domain/source.js';
import type { Logger } from '../ports/logger.js';
import type { SyncJobMessage } from '../queue/messages.js';
import type { SubscriptionManager, SubscriptionOutcome } from './subscription-manager.js';
import type { LifecycleMessage } from '../notifications/notification-messages.js';

export interface LifecycleHandlerDeps {
  subscriptions: Pick<SubscriptionManager, 'reauthorize' | 'recreate'>;
  enqueueSync(key: SourceKey, reason: SyncJobMessage['reason']): Promise<void>;
  log: Logger;
}

export async function handleLifecycleEvent(
  deps: LifecycleHandlerDeps,
  message: LifecycleMessage,
): Promise<SubscriptionOutcome | 'sync-queued'> {
  const key = { kbId: message.kbId, sourceId: message.sourceId };
  let outcome: SubscriptionOutcome | 'sync-queued';
  switch (message.lifecycleEvent) {
    case 'reauthorizationRequired':
      outcome = await deps.subscriptions.reauthorize(key, message.subscriptionId);
      break;
    case 'subscriptionRemoved':
      // recreate queues the closing delta itself.
      outcome = await deps.subscriptions.recreate(key, message.subscriptionId);
      break;
    case 'missed':
      await deps.enqueueSync(key, 'notification');
      outcome = 'sync-queued';
      break;
  }
  deps.log.info('lifecycle.handled', { ...key, lifecycleEvent: message.lifecycleEvent, outcome });
  return outcome;
}
