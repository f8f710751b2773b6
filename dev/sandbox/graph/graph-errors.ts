// Graph's error body (docs/graph-behaviour.md §7): {"error":{"code","message","innerError":{date,
// request-id, client-request-id}}}.
import { randomUUID } from 'node:crypto';
import { jsonResponse, type SandboxRequest, type SandboxResponse } from '../http/sandbox-http.js';

export function graphError(
  request: SandboxRequest | undefined,
  status: number,
  code: string,
  message: string,
  now: number,
  headers: Record<string, string> = {},
): SandboxResponse {
  const clientRequestId = request?.headers['client-request-id'];
  const innerError: Record<string, string> = {
    // Graph's innerError date has no fractional seconds and no zone designator.
    date: new Date(now).toISOString().slice(0, 19),
    'request-id': randomUUID(),
  };
  if (typeof clientRequestId === 'string') innerError['client-request-id'] = clientRequestId;
  return jsonResponse(status, { error: { code, message, innerError } }, headers);
}

/** The observed resync body (§1, onedrive-api-docs #1356), with the Location that restarts enumeration. */
export function resyncRequired(request: SandboxRequest, restartUrl: string, now: number): SandboxResponse {
  return graphError(
    request,
    410,
    'resyncRequired',
    "Resync required. Replace any local items with the server's version (including deletes) if you're sure that the service was up to date with your local changes when you last sync'd. Upload any local changes that the server doesn't know about.",
    now,
    { location: restartUrl },
  );
}

/** 401 for a missing, unknown or expired access token (§7), with the challenge Graph sends. */
export function invalidAuthenticationToken(request: SandboxRequest, message: string, now: number): SandboxResponse {
  return graphError(request, 401, 'InvalidAuthenticationToken', message, now, {
    'www-authenticate':
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });
}

export function tooManyRequests(
  request: SandboxRequest | undefined,
  retryAfterSeconds: number,
  now: number,
  headers: Record<string, string> = {},
): SandboxResponse {
  return graphError(request, 429, 'TooManyRequests', 'Please retry again later.', now, {
    ...headers,
    'retry-after': String(retryAfterSeconds),
  });
}
