// Acts on a verified lifecycle event, in the neutral names of ports/watch-source.ts (each provider's
// webhook maps its own names): reauthorization_required → reauthorize (or renew, as the provider's
// policy allows); removed → a new watch, then a sync; missed → a sync. A permanently invalid token
// puts the source in needs_reauth (WatchManager does that).
import type { SourceKey } from '../domain/source.js';
import type { Logger } from '../ports/logger.js';
import type { SyncJobMessage } from '../queue/messages.js';
import type { WatchManager, WatchOutcome } from './watch-manager.js';
import type { LifecycleMessage } from '../notifications/notification-messages.js';

export interface LifecycleHandlerDeps {
  watches: Pick<WatchManager, 'reauthorize' | 'recreate'>;
  enqueueSync(key: SourceKey, reason: SyncJobMessage['reason']): Promise<void>;
  log: Logger;
}

export async function handleLifecycleEvent(
  deps: LifecycleHandlerDeps,
  message: LifecycleMessage,
): Promise<WatchOutcome | 'sync-queued'> {
  const key = { kbId: message.kbId, sourceId: message.sourceId };
  let outcome: WatchOutcome | 'sync-queued';
  switch (message.lifecycleEvent) {
    case 'reauthorization_required':
      outcome = await deps.watches.reauthorize(key, message.subscriptionId);
      break;
    case 'removed':
      // recreate queues the closing sync itself.
      outcome = await deps.watches.recreate(key, message.subscriptionId);
      break;
    case 'missed':
      await deps.enqueueSync(key, 'notification');
      outcome = 'sync-queued';
      break;
  }
  deps.log.info('lifecycle.handled', { ...key, lifecycleEvent: message.lifecycleEvent, outcome });
  return outcome;
}
