// Runs one queue-triggered function against Azurite with the host.json `extensions.queues` semantics
// of the Functions host (Microsoft Learn, "Azure Queue storage trigger for Azure Functions",
// sections "Poison messages", "Polling algorithm", "Concurrency"):
// - fetch up to batchSize messages; fetch again once in-flight messages drop to newBatchThreshold;
// - an empty queue backs off exponentially from 100 ms up to maxPollingInterval; a message resets it;
// - success deletes the message; a failure makes it visible again after visibilityTimeout;
// - a failure on the attempt whose dequeueCount reached maxDequeueCount copies the original message
//   text to `<queue>-poison` and deletes it.
import type { QueueClient } from '@azure/storage-queue';
import { z } from 'zod';
import { formatLogLine } from '../../shared/adapters/logging/logger.js';
import type { QueueFunctionDefinition } from '../../shared/app/function-definitions.js';
import type { HostJsonQueues } from './host-json.js';
import { InFlight } from './in-flight.js';
import { createInvocationContext, type LineSink } from './invocation-context.js';
import { decodeQueueMessage } from './queue-message.js';
import { sleep } from './sleep.js';

const MIN_POLL_INTERVAL_MS = 100;
/** The host keeps a message invisible this long while its function runs (functionTimeout is 10 min). */
const PROCESSING_VISIBILITY_SECONDS = 600;

const dequeuedMessageSchema = z.object({
  messageId: z.string(),
  popReceipt: z.string(),
  messageText: z.string(),
  dequeueCount: z.number().int(),
  insertedOn: z.date(),
  expiresOn: z.date(),
  nextVisibleOn: z.date(),
});
type DequeuedMessage = z.infer<typeof dequeuedMessageSchema>;

export interface QueuePollerOptions {
  definition: QueueFunctionDefinition;
  queue: QueueClient;
  poisonQueue: QueueClient;
  settings: HostJsonQueues;
  sink: LineSink;
}

export interface RunningQueuePoller {
  /** Stops fetching, then waits for the messages already fetched to finish. */
  stop(): Promise<void>;
}

export async function startQueuePoller(options: QueuePollerOptions): Promise<RunningQueuePoller> {
  const { definition, queue, poisonQueue, settings, sink } = options;
  const log = (event: string, fields: Record<string, unknown> = {}) =>
    sink(formatLogLine(event, { function: definition.name, queue: definition.queueName, ...fields }));
  await queue.createIfNotExists();
  await poisonQueue.createIfNotExists();

  const abort = new AbortController();
  const inFlight = new InFlight();

  async function moveToPoison(message: DequeuedMessage): Promise<void> {
    // The original text, still in its stored encoding, exactly as the host copies it.
    await poisonQueue.sendMessage(message.messageText);
    await queue.deleteMessage(message.messageId, message.popReceipt);
    log('local_host.queue_message_poisoned', { messageId: message.messageId, dequeueCount: message.dequeueCount });
  }

  async function processMessage(message: DequeuedMessage): Promise<void> {
    const decoded = decodeQueueMessage(message.messageText, settings.messageEncoding);
    // A message already past the limit (the host died mid-attempt) or one that cannot be decoded is
    // never handed to the function.
    if (decoded.kind === 'undecodable' || message.dequeueCount > settings.maxDequeueCount) {
      await moveToPoison(message);
      return;
    }
    const context = createInvocationContext({
      functionName: definition.name,
      triggerType: 'queueTrigger',
      triggerMetadata: {
        id: message.messageId,
        dequeueCount: message.dequeueCount,
        insertionTime: message.insertedOn.toISOString(),
        expirationTime: message.expiresOn.toISOString(),
        nextVisibleTime: message.nextVisibleOn.toISOString(),
        popReceipt: message.popReceipt,
      },
      sink,
    });
    try {
      await definition.handler(decoded.value, context);
    } catch (error) {
      context.error(formatLogLine('local_host.queue_handler_failed', { dequeueCount: message.dequeueCount, error }));
      if (message.dequeueCount >= settings.maxDequeueCount) {
        await moveToPoison(message);
      } else {
        const seconds = Math.ceil(settings.visibilityTimeoutMs / 1000);
        await queue.updateMessage(message.messageId, message.popReceipt, undefined, seconds);
      }
      return;
    }
    await queue.deleteMessage(message.messageId, message.popReceipt);
  }

  async function pollLoop(): Promise<void> {
    let idleDelay = MIN_POLL_INTERVAL_MS;
    while (!abort.signal.aborted) {
      if (inFlight.count > settings.newBatchThreshold) {
        await inFlight.oneSettled();
        continue;
      }
      let messages: DequeuedMessage[];
      try {
        const received = await queue.receiveMessages({
          numberOfMessages: settings.batchSize,
          visibilityTimeout: PROCESSING_VISIBILITY_SECONDS,
          abortSignal: abort.signal,
        });
        messages = received.receivedMessageItems.map((item) => dequeuedMessageSchema.parse(item));
      } catch (error) {
        if (abort.signal.aborted) break;
        log('local_host.queue_poll_failed', { error });
        messages = [];
      }
      if (messages.length === 0) {
        await sleep(idleDelay, abort.signal);
        idleDelay = Math.min(idleDelay * 2, Math.max(settings.maxPollingIntervalMs, MIN_POLL_INTERVAL_MS));
        continue;
      }
      idleDelay = MIN_POLL_INTERVAL_MS;
      for (const message of messages) {
        void inFlight.track(
          processMessage(message).catch((error: unknown) =>
            log('local_host.queue_message_failed', { messageId: message.messageId, error }),
          ),
        );
      }
    }
  }

  const loop = pollLoop();
  return {
    async stop() {
      abort.abort();
      await loop;
      await inFlight.allSettled();
    },
  };
}
