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

/** Error bodies are small; a stream (a media or export request's answer) is read up to this much. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export async function driveFailureOf(error: unknown): Promise<DriveFailure> {
  const answered = answeredSchema.safeParse(error);
  if (!answered.success) return { status: undefined, reason: undefined, location: undefined, retryAfterMs: undefined };
  const { status, headers } = answered.data.response;
  let data = answered.data.response.data;
  if (isReadable(data)) data = await readSome(data);
  // For a streamed request gaxios drops the error body from the response and keeps its text as the
  // error's message (gaxios GaxiosError / extractAPIErrorFromResponse): read it from there.
  if (data === undefined && error instanceof Error) data = error.message;
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

function isReadable(value: unknown): value is AsyncIterable<unknown> & { destroy?: () => void } {
  return typeof (value as { pipe?: unknown } | null)?.pipe === 'function';
}

async function readSome(stream: AsyncIterable<unknown> & { destroy?: () => void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer);
      size += buffer.length;
      if (size >= MAX_ERROR_BODY_BYTES) break;
    }
  } catch {
    // A body cut off mid-way still leaves the status to go on.
  } finally {
    stream.destroy?.();
  }
  return Buffer.concat(chunks).toString('utf8');
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
