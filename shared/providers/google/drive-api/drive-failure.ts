// What a failed Drive API call tells us, read off the thrown GaxiosError's response only: its config
// holds the request with our bearer token, so the error itself is never logged, kept or rethrown.
// Reasons and statuses follow "Resolve errors" (https://developers.google.com/workspace/drive/api/guides/handle-errors).
import { z } from 'zod';

const errorBodySchema = z.object({
  error: z.object({
    code: z.number().int().optional(),
    message: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), location: z.string().optional() }).loose()).optional(),
  }),
});

const answeredSchema = z.object({
  response: z.object({
    status: z.number().int(),
    data: z.unknown(),
    headers: z.custom<{ get(name: string): string | null }>(
      (value) => typeof (value as { get?: unknown } | null)?.get === 'function',
    ),
  }),
});

export interface DriveFailure {
  /** Undefined: no answer (network error, timeout). */
  status: number | undefined;
  reason: string | undefined;
  /** The parameter Drive blames, e.g. "pageToken". */
  location: string | undefined;
  retryAfterMs: number | undefined;
}

/** Usage-limit and backend reasons Drive asks clients to retry with exponential backoff. */
const RETRIED_403_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'sharingRateLimitExceeded']);
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);

export function driveFailureOf(error: unknown): DriveFailure {
  const answered = answeredSchema.safeParse(error);
  if (!answered.success) return { status: undefined, reason: undefined, location: undefined, retryAfterMs: undefined };
  const { status, data, headers } = answered.data.response;
  const body = errorBodySchema.safeParse(typeof data === 'string' ? safeJson(data) : data);
  const first = body.success ? body.data.error.errors?.[0] : undefined;
  return {
    status,
    reason: first?.reason,
    location: first?.location,
    retryAfterMs: retryAfterMs(headers.get('retry-after')),
  };
}

export function isRetryable(failure: DriveFailure): boolean {
  if (failure.status === undefined) return true;
  if (RETRIED_STATUSES.has(failure.status)) return true;
  return failure.status === 403 && failure.reason !== undefined && RETRIED_403_REASONS.has(failure.reason);
}

/** A page token Drive no longer accepts: discard it and restart ("If the token is rejected for any reason…"). */
export function isRejectedPageToken(failure: DriveFailure): boolean {
  return (failure.status === 400 || failure.status === 404) && failure.location === 'pageToken';
}

/** A short, secret-free description for errors and logs. */
export function describeFailure(failure: DriveFailure): string {
  if (failure.status === undefined) return 'no answer from the Drive API';
  return `Drive API answered ${failure.status}${failure.reason ? ` ${failure.reason}` : ''}`;
}

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
