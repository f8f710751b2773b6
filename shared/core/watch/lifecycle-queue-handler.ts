// A lifecycle-queue message → handleLifecycleEvent; malformed ones go to the poison queue. Errors
// (the provider unavailable, throttled) are rethrown so the queue retries the event.
import type { Logger } from '../ports/logger.js';
import type { PoisonQueue } from '../ports/poison-queue.js';
import { handleLifecycleEvent, type LifecycleHandlerDeps } from './lifecycle-handler.js';
import { lifecycleMessageSchema } from '../notifications/notification-messages.js';
import { parseOrPoison } from '../queue/parse-queue-message.js';

export async function handleLifecycleMessage(
  deps: LifecycleHandlerDeps & { poisonQueue: PoisonQueue; log: Logger },
  raw: unknown,
): Promise<string> {
  const parsed = await parseOrPoison(lifecycleMessageSchema, raw, { ...deps, what: 'lifecycle' });
  if (!parsed.ok) return 'poisoned';
  return handleLifecycleEvent(deps, parsed.value);
}
