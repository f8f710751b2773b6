// Function-key check for authLevel 'function': the key comes in header `x-functions-key` or query
// `code`, as the Functions host reads it (Microsoft Learn, "Work with access keys in Azure Functions").
import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison; hashing first makes the lengths equal so length does not leak either. */
export function keysMatch(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

export function presentedFunctionKey(headers: Headers, query: URLSearchParams): string | undefined {
  return headers.get('x-functions-key') ?? query.get('code') ?? undefined;
}
