// Maps the engine's error kinds (shared/core/domain/errors.ts) to problem+json for API calls that reach the
// provider on the host's behalf (content downloads). Anything else is rethrown: a 500 without details.
import type { HttpResponseInit } from '@azure/functions';
import {
  ContentUnavailableError,
  NotFoundError,
  PermanentSourceError,
  ReauthRequiredError,
  TransientError,
} from '../../core/domain/errors.js';
import { problem, retryableProblem } from './problem.js';

const DEFAULT_RETRY_AFTER_SECONDS = 5;

export function providerFailureProblem(error: unknown): HttpResponseInit {
  if (error instanceof NotFoundError) return problem(404, 'not found in the drive', error.message);
  if (error instanceof ReauthRequiredError) {
    return problem(409, 'the source needs to be connected again', error.reason, { state: 'needs_reauth' });
  }
  if (error instanceof TransientError) {
    const seconds = error.retryAfterMs ? Math.ceil(error.retryAfterMs / 1000) : DEFAULT_RETRY_AFTER_SECONDS;
    return retryableProblem(503, 'the drive is unavailable for now', seconds, error.message);
  }
  // The item exists but its content cannot be served as asked (e.g. an export over Google's 10 MB limit).
  if (error instanceof ContentUnavailableError)
    return problem(422, 'the content of this item is not available', error.reason);
  if (error instanceof PermanentSourceError) return problem(502, 'the drive refused the request', error.reason);
  throw error;
}
