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
