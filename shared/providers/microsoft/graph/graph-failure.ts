// Turns a failed Graph answer into the engine's error kinds (shared/core/domain/errors.ts). Messages carry
// the status, Graph's error code and what was asked for: never a URL (cursors are long-lived
// credentials of a sort), never Graph's free-text message, never a token.
import {
  CursorExpiredError,
  NotFoundError,
  PermanentSourceError,
  TransientError,
} from '../../../core/domain/errors.js';
import { systemErrorCode } from './network-error-handler.js';
import { requestedWaitSeconds } from './retry-after.js';

export interface GraphFailure {
  status: number;
  /** `error.code` from the body, when it had one (docs/graph-behaviour.md §7). */
  code: string | undefined;
  headers: { get(name: string): string | null };
}

export interface FailureTarget {
  /** What was asked for, for the message: "drive", "folder", "subscription", "item content"… */
  what: string;
  /**
   * What a 404 (or a 410 outside delta) means: the source itself is gone (`source`, e.g. the drive
   * of a sync) or just the thing asked for (`thing`, e.g. a subscription or one item).
   */
  missingMeans: 'source' | 'thing';
  /** Delta requests: 410 and the resync codes mean "the cursor expired". */
  delta?: { restartCursor: (location: string | null) => string | undefined };
}

/** Codes Graph uses when a delta token can no longer be served (docs/graph-behaviour.md §1, §7). */
const RESYNC_CODES = new Set([
  'resyncRequired',
  'resyncApplyDifferences',
  'resyncUploadDifferences',
  'resyncChangesApplyDifferences',
  'resyncChangesUploadDifferences',
  'syncStateNotFound',
]);

/** Statuses worth retrying later: throttling (429, 503, 509), timeouts, server errors, locks. */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 423 || status === 429 || status >= 500;
}

/**
 * A 401 in which Graph refuses the access token itself: code InvalidAuthenticationToken, or a Bearer
 * challenge in WWW-Authenticate (https://learn.microsoft.com/graph/errors). Such a token is dropped
 * from the token manager's cache before the one retry (graph-transport.ts).
 */
export function isRefusedToken(failure: GraphFailure): boolean {
  if (failure.status !== 401) return false;
  return (
    failure.code === 'InvalidAuthenticationToken' || /^Bearer\b/i.test(failure.headers.get('www-authenticate') ?? '')
  );
}

export function classifyGraphFailure(failure: GraphFailure, target: FailureTarget): Error {
  const { status, code } = failure;
  const label = `${status}${code ? ` ${code}` : ''}`;
  if (target.delta && (status === 410 || (code !== undefined && RESYNC_CODES.has(code)))) {
    return new CursorExpiredError(target.delta.restartCursor(failure.headers.get('location')));
  }
  if (status === 401) {
    // Reached only after one retry with a new token: the refused one was dropped and a refresh got
    // another (graph-transport.ts). Not ReauthRequired: only the token endpoint can say the grant is
    // gone (invalid_grant…), and the token manager reports that during the retry's refresh.
    return new TransientError(`Graph rejected the access token for the ${target.what} twice (${label})`);
  }
  // OneDrive may throttle with 403 activityLimitReached (docs/graph-behaviour.md §5): that one passes.
  if (status === 403 && code !== 'activityLimitReached') {
    return new PermanentSourceError(`access to the ${target.what} was denied (${label})`, status);
  }
  if (status === 404 || status === 410) {
    return target.missingMeans === 'source'
      ? new PermanentSourceError(`the ${target.what} no longer exists (${label})`, status)
      : new NotFoundError(target.what);
  }
  if (isTransientStatus(status) || status === 403) {
    const waitSeconds = requestedWaitSeconds(failure.headers);
    return new TransientError(
      `Graph could not serve the ${target.what} now (${label})`,
      waitSeconds === undefined ? undefined : Math.ceil(waitSeconds * 1000),
    );
  }
  return new PermanentSourceError(`Graph refused the request for the ${target.what} (${label})`, status);
}

/** A request that got no HTTP answer at all (reset, refused, DNS, TLS): always worth retrying. */
export function networkFailure(what: string, cause: unknown): TransientError {
  return new TransientError(`no answer from Graph for the ${what} (${describeNetworkCause(cause)})`);
}

function describeNetworkCause(cause: unknown): string {
  const code = systemErrorCode(cause);
  if (code !== undefined) return code;
  // The Graph client rewraps errors (GraphError) keeping the message: NetworkErrorHandler puts the code there.
  const fromMessage = cause instanceof Error ? /network error ([A-Z_]+)/.exec(cause.message)?.[1] : undefined;
  return fromMessage ?? 'no system error code';
}
