// What a failed google-auth-library request tells us, read off the thrown error's response only.
// The library throws a GaxiosError whose `config` holds the request: its form body carries the refresh
// token or code and the client secret, and a revoke URL carries the token in its query. So the error
// itself is never logged, rethrown or kept; only the response's status, JSON body and Retry-After are.
import { z } from 'zod';
import type { FailedAnswer } from './google-token-failure.js';

const headersSchema = z.custom<{ get(name: string): string | null }>(
  (value) => typeof (value as { get?: unknown } | null)?.get === 'function',
);

const answeredErrorSchema = z.object({
  response: z.object({
    status: z.number().int(),
    // gaxios parses a JSON body (responseType "unknown": JSON when it parses, else text).
    data: z.unknown(),
    headers: headersSchema.optional(),
  }),
});

export function failedAnswerOf(error: unknown): FailedAnswer {
  const parsed = answeredErrorSchema.safeParse(error);
  if (!parsed.success) return { status: undefined, body: undefined, retryAfter: undefined };
  const { status, data, headers } = parsed.data.response;
  return { status, body: data, retryAfter: headers?.get('retry-after') };
}
