// The poison queues on Azure Storage (core/ports/poison-inbox.ts). Two kinds of message land in a
// `<queue>-poison`:
// - the app's own refusals (poison-queue.ts): `{ rejected, problem }`, base64 JSON, where
//   `rejected` is the message as the worker received it;
// - the Functions host's moves after maxDequeueCount failed attempts: the original message text,
//   unchanged, with no reason (https://learn.microsoft.com/en-us/azure/azure-functions/functions-bindings-storage-queue-trigger#poison-messages).
// Replay sends the original text back to the work queue first and deletes the poison copy after, so
// a crash in between gives a duplicate (which every worker tolerates), never a loss.
//
// Storage has no "get message by id": replay and discard receive the poison queue in batches (each
// received message hidden for a short while), keep the one asked for, and make the others visible
// again at once. The scan is bounded.
import type { QueueClient } from '@azure/storage-queue';
import { z } from 'zod';
import type { PoisonInbox, PoisonedMessage } from '../../core/ports/poison-inbox.js';
import { poisonQueueName } from '../storage/names.js';
import type { StorageClients } from '../storage/storage-clients.js';
import { encodeMessage } from './queue-writer.js';

const BATCH = 32;
const MAX_SCANNED = 1_024;
const HIDE_SECONDS = 30;

const refusalSchema = z.object({ rejected: z.string(), problem: z.string() });

interface Decoded {
  reason: string | null;
  message: unknown;
  /** The text to send back to the work queue. */
  original: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function decodeBase64(text: string): string | undefined {
  const bytes = Buffer.from(text, 'base64');
  // Not base64 when it does not come back the same (a message written as plain text).
  return bytes.toString('base64').replace(/=+$/, '') === text.replace(/=+$/, '') ? bytes.toString('utf8') : undefined;
}

export function decodePoisoned(messageText: string): Decoded {
  const text = decodeBase64(messageText) ?? messageText;
  const refusal = refusalSchema.safeParse(parseJson(text));
  if (refusal.success) {
    return {
      reason: refusal.data.problem,
      message: parseJson(refusal.data.rejected),
      original: encodeMessage(parseJson(refusal.data.rejected)),
    };
  }
  return { reason: null, message: parseJson(text), original: messageText };
}

export class StoragePoisonInbox implements PoisonInbox {
  constructor(private readonly queueOf: (name: string) => QueueClient) {}

  async list(queue: string, max: number): Promise<{ approximateCount: number; messages: PoisonedMessage[] }> {
    const poison = this.queueOf(poisonQueueName(queue));
    const properties = await poison.getProperties();
    const approximateCount = properties.approximateMessagesCount ?? 0;
    if (max <= 0 || approximateCount === 0) return { approximateCount, messages: [] };
    const peeked = await poison.peekMessages({ numberOfMessages: Math.min(max, BATCH) });
    return {
      approximateCount,
      messages: peeked.peekedMessageItems.map((item) => {
        const decoded = decodePoisoned(item.messageText);
        return {
          id: item.messageId,
          queue,
          insertedAt: item.insertedOn?.toISOString() ?? null,
          dequeueCount: item.dequeueCount,
          reason: decoded.reason,
          message: decoded.message,
        };
      }),
    };
  }

  async replay(queue: string, id: string): Promise<'replayed' | 'not_found'> {
    return this.withMessage(queue, id, async (messageText, remove) => {
      await this.queueOf(queue).sendMessage(decodePoisoned(messageText).original);
      await remove();
      return 'replayed' as const;
    });
  }

  async discard(queue: string, id: string): Promise<'discarded' | 'not_found'> {
    return this.withMessage(queue, id, async (_text, remove) => {
      await remove();
      return 'discarded' as const;
    });
  }

  private async withMessage<T>(
    queue: string,
    id: string,
    act: (messageText: string, remove: () => Promise<void>) => Promise<T>,
  ): Promise<T | 'not_found'> {
    const poison = this.queueOf(poisonQueueName(queue));
    const others: Array<{ messageId: string; popReceipt: string }> = [];
    try {
      for (let scanned = 0; scanned < MAX_SCANNED; scanned += BATCH) {
        const received = await poison.receiveMessages({ numberOfMessages: BATCH, visibilityTimeout: HIDE_SECONDS });
        if (received.receivedMessageItems.length === 0) return 'not_found';
        for (const item of received.receivedMessageItems) {
          if (item.messageId !== id) others.push(item);
        }
        const found = received.receivedMessageItems.find((item) => item.messageId === id);
        if (found) {
          return await act(found.messageText, async () => {
            await poison.deleteMessage(found.messageId, found.popReceipt);
          });
        }
      }
      return 'not_found';
    } finally {
      // The others were only looked at: visible again now, not after HIDE_SECONDS.
      await Promise.all(
        others.map((item) =>
          poison.updateMessage(item.messageId, item.popReceipt, undefined, 0).catch(() => undefined),
        ),
      );
    }
  }
}

export function poisonInboxOf(storage: StorageClients): StoragePoisonInbox {
  return new StoragePoisonInbox((name) => storage.queue(name));
}
