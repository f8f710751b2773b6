// One Drive API client for the process (@googleapis/drive, pointed at GOOGLE_DRIVE_ROOT_URL), and the
// call discipline every request follows: a bearer token from the token manager per request; a 401
// forgets that token and retries once with a fresh one; usage limits (403 rateLimitExceeded /
// userRateLimitExceeded, 429) and backend errors back off exponentially with full jitter, as
// https://developers.google.com/workspace/drive/api/guides/limits#exponential-backoff asks, honouring
// Retry-After; a wait longer than the inline limit becomes a TransientError the queue retries later.
// gaxios' own retry is off, so there is one retry policy. Answers are parsed with zod.
import { drive, type drive_v3 } from '@googleapis/drive';
import type { z } from 'zod';
import type { SourceKey } from '../../../core/domain/source.js';
import {
  NotFoundError,
  PermanentSourceError,
  ReauthRequiredError,
  TransientError,
} from '../../../core/domain/errors.js';
import type { TokenManager } from '../../../core/ports/provider-ports.js';
import { describeFailure, driveFailureOf, isRetryable, type DriveFailure } from './drive-failure.js';

export const GOOGLE_DRIVE_ROOT_URL = 'https://www.googleapis.com/';

/** What each request passes to the generated client's method (its second argument). */
export interface RequestOptions {
  headers: Record<string, string>;
  retry: false;
  signal?: AbortSignal;
  responseType?: 'stream';
}

export interface DriveApiOptions {
  rootUrl?: string;
  tokens: TokenManager;
  maxAttempts?: number;
  /** Longest backoff slept inline; longer waits are left to the queue (TransientError with retryAfter). */
  maxInlineWaitMs?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Lets a caller turn a particular failure into its own error (a rejected page token, say). */
export type FailureOverride = (failure: DriveFailure) => Error | undefined;

export class DriveApi {
  readonly client: drive_v3.Drive;
  private readonly tokens: TokenManager;
  private readonly maxAttempts: number;
  private readonly maxInlineWaitMs: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: DriveApiOptions) {
    this.client = drive({ version: 'v3', rootUrl: options.rootUrl ?? GOOGLE_DRIVE_ROOT_URL });
    this.tokens = options.tokens;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxInlineWaitMs = options.maxInlineWaitMs ?? 8_000;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /** A JSON call: the answer's `data` parsed with `schema`. */
  async json<T>(
    source: SourceKey,
    what: string,
    request: (options: RequestOptions) => Promise<{ data: unknown }>,
    schema: z.ZodType<T>,
    override?: FailureOverride,
  ): Promise<T> {
    const response = await this.send(source, what, request, override);
    const parsed = schema.safeParse(response.data);
    if (!parsed.success) throw new TransientError(`the Drive API answered ${what} in an unexpected shape`);
    return parsed.data;
  }

  /** Any call; the raw answer (streams for media). */
  async send<R>(
    source: SourceKey,
    what: string,
    request: (options: RequestOptions) => Promise<R>,
    override?: FailureOverride,
    signal?: AbortSignal,
  ): Promise<R> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.getAccessToken(source);
      try {
        return await request({
          headers: { Authorization: `Bearer ${token}` },
          retry: false,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
        const failure = await driveFailureOf(error);
        if (failure.status === 401 && !refreshed) {
          // Revoked or expired before its time: forget it and try once with a fresh token.
          refreshed = true;
          await this.tokens.invalidateAccessToken(source, token);
          continue;
        }
        const own = override?.(failure);
        if (own) throw own;
        if (isRetryable(failure)) {
          // Full jitter, capped at the longest inline wait; a longer Retry-After goes back to the queue.
          const delayMs =
            failure.retryAfterMs ??
            this.random() * Math.min(this.maxInlineWaitMs, this.baseDelayMs * 2 ** (attempt - 1));
          if (attempt >= this.maxAttempts || delayMs > this.maxInlineWaitMs) {
            throw new TransientError(`${describeFailure(failure)} for ${what}`, Math.max(delayMs, 1_000));
          }
          await this.sleep(delayMs);
          continue;
        }
        throw domainError(failure, what);
      }
    }
  }
}

function domainError(failure: DriveFailure, what: string): Error {
  const description = describeFailure(failure);
  switch (failure.status) {
    case 401:
      return new ReauthRequiredError(`Google refused a fresh access token for ${what}; connect the source again`);
    case 404:
      return new NotFoundError(what);
    case 403:
      return new PermanentSourceError(`${description} for ${what}`, 403);
    default:
      return new PermanentSourceError(`${description} for ${what}`, failure.status);
  }
}
