// A graph-lifecycle message → handleLifecycleEvent; malformed ones go to the poison queue. Errors
// (Graph unavailable, throttled) are rethrown so the queue retries the event.
import type { QueueClient } from '@azure/storage-queue';
import { describeIssues } from '../http/request-parsing.js';
import type { Logger } from '../logging/logger.js';
import { sendToPoison } from '../queue/queue-writer.js';
import { handleLifecycleEvent, type LifecycleHandlerDeps } from './lifecycle-handler.js';
import { lifecycleMessageSchema } from './notification-messages.js';

export async function handleLifecycleMessage(
  deps: LifecycleHandlerDeps & { poisonQueue: QueueClient; log: Logger },
  raw: unknown,
): Promise<string> {
  const parsed = lifecycleMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error)
      .map((issue) => `${issue.path}: ${issue.message}`)
      .join('; ');
    await sendToPoison(deps.poisonQueue, raw, `not a lifecycle message: ${issues}`);
    deps.log.warn('lifecycle.rejected', { issues });
    return 'poisoned';
  }
  return handleLifecycleEvent(deps, parsed.data);
}
