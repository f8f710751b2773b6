// A lifecycle-queue message → handleLifecycleEvent; malformed ones go to the poison queue. Errors
// (the provider unavailable, throttled) are rethrown so the queue retries the event.
import type { QueueClient } from '@azure/storage-queue';
import type { Logger } from '../../adapters/logging/logger.js';
import { handleLifecycleEvent, type LifecycleHandlerDeps } from './lifecycle-handler.js';
import { lifecycleMessageSchema } from '../notifications/notification-messages.js';
import { parseOrPoison } from '../queue/parse-queue-message.js';

export async function handleLifecycleMessage(
  deps: LifecycleHandlerDeps & { poisonQueue: QueueClient; log: Logger },
  raw: unknown,
): Promise<string> {
  const parsed = await parseOrPoison(lifecycleMessageSchema, raw, { ...deps, what: 'lifecycle' });
  if (!parsed.ok) return 'poisoned';
  return handleLifecycleEvent(deps, parsed.value);
}
