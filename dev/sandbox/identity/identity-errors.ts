// Error answers of the token and authorize endpoints, in the documented shape (docs/graph-behaviour.md
// §6): error, error_description starting "AADSTSnnnn: ", error_codes, timestamp, trace_id,
// correlation_id, error_uri. 400 for invalid_grant and friends, 401 for invalid_client [O].
import { randomUUID } from 'node:crypto';
import { jsonResponse, type SandboxResponse } from '../http/sandbox-http.js';

export type IdentityErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'invalid_scope'
  | 'unsupported_grant_type';

export function identityError(error: IdentityErrorCode, code: number, message: string, now: number): SandboxResponse {
  const status = error === 'invalid_client' ? 401 : 400;
  const traceId = randomUUID();
  const correlationId = randomUUID();
  // Entra's timestamp format: "2016-04-11 18:00:12Z".
  const timestamp = new Date(now)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
  return jsonResponse(status, {
    error,
    error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

/** AADSTS900144: a required request parameter is missing. */
export function missingParameter(name: string, now: number): SandboxResponse {
  return identityError(
    'invalid_request',
    900144,
    `The request body must contain the following parameter: '${name}'.`,
    now,
  );
}

/** AADSTS700016: the client id is not registered in the tenant. */
export function unknownClient(clientId: string, now: number): SandboxResponse {
  return identityError('unauthorized_client', 700016, unknownClientMessage(clientId), now);
}

export function unknownClientMessage(clientId: string): string {
  return `Application with identifier '${clientId}' was not found in the directory.`;
}
