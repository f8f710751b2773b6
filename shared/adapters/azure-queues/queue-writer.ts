// Writes queue messages the way the Functions host reads them: base64-encoded JSON
// (host.json messageEncoding "base64", the default).
import type { QueueClient } from '@azure/storage-queue';

export function encodeMessage(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
}

export async function sendJson(
  queue: QueueClient,
  payload: unknown,
  options: { delaySeconds?: number } = {},
): Promise<void> {
  await queue.sendMessage(encodeMessage(payload), {
    ...(options.delaySeconds ? { visibilityTimeout: Math.ceil(options.delaySeconds) } : {}),
  });
}

/**
 * A message that can never be processed goes straight to `<queue>-poison`, where the host would
 * put it after maxDequeueCount failures, instead of being retried for nothing.
 */
export async function sendToPoison(poison: QueueClient, raw: unknown, problem: string): Promise<void> {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw ?? null);
  await poison.sendMessage(encodeMessage({ rejected: text.slice(0, 16_000), problem }));
}
