// Google's JSON error shape for Drive API v3 answers, as documented in "Resolve errors"
// (https://developers.google.com/workspace/drive/api/guides/handle-errors): a top-level `error` with
// `code`, `message`, `errors[]` (domain, reason, message, location…) and a `status`.
import type { SandboxResponse } from '../http/sandbox-http.js';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  416: 'OUT_OF_RANGE',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export interface GoogleErrorDetail {
  reason: string;
  message: string;
  domain?: string;
  location?: string;
  locationType?: 'parameter' | 'header';
}

export function googleError(
  status: number,
  detail: GoogleErrorDetail,
  headers: Record<string, string> = {},
): SandboxResponse {
  const error = {
    code: status,
    message: detail.message,
    errors: [
      {
        domain: detail.domain ?? (status === 403 && detail.reason.includes('RateLimit') ? 'usageLimits' : 'global'),
        reason: detail.reason,
        message: detail.message,
        ...(detail.location ? { location: detail.location, locationType: detail.locationType ?? 'parameter' } : {}),
      },
    ],
    status: STATUS_NAMES[status] ?? 'UNKNOWN',
  };
  return {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: JSON.stringify({ error }),
  };
}

/** A thrown answer: route code throws it where Google would refuse, the router writes it. */
export class GoogleApiError extends Error {
  constructor(readonly response: SandboxResponse) {
    super(`google error ${response.status}`);
  }
}

export function fail(status: number, detail: GoogleErrorDetail): never {
  throw new GoogleApiError(googleError(status, detail));
}

/** "Invalid Value" for a parameter: what Drive answers for a bad or expired page token, among others. */
export function invalidParameter(location: string, message = 'Invalid Value'): never {
  fail(400, { reason: 'invalid', message, location, locationType: 'parameter' });
}

export function fileNotFound(fileId: string): never {
  fail(404, { reason: 'notFound', message: `File not found: ${fileId}.`, location: 'fileId' });
}
