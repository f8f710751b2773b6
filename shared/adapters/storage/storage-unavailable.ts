// Is this error "Table/Queue storage cannot be reached right now"? The Azure SDKs report a network
// failure as a RestError without a status code (its `code` is the socket error's, e.g. ECONNREFUSED),
// a busy service as 503 (ServerBusy), and a try that ran out of time as an AbortError. Such a failure
// says nothing about the request, so HTTP answers it with 503 and Retry-After (storage-outage-answer.ts).

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'REQUEST_SEND_ERROR',
]);

/** Causes are followed this deep (an error wrapped by a store keeps the SDK's as its cause). */
const MAX_CAUSE_DEPTH = 5;

export function isStorageUnavailable(error: unknown, depth = 0): boolean {
  if (depth > MAX_CAUSE_DEPTH || typeof error !== 'object' || error === null) return false;
  const { name, code, statusCode, cause, errors } = error as {
    name?: unknown;
    code?: unknown;
    statusCode?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (name === 'AbortError') return true;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (name === 'RestError' && (statusCode === undefined || statusCode === 503)) return true;
  // Node reports a refused dual-stack connect ("localhost": ::1 and 127.0.0.1) as an AggregateError.
  if (Array.isArray(errors) && errors.some((inner) => isStorageUnavailable(inner, depth + 1))) return true;
  return isStorageUnavailable(cause, depth + 1);
}
