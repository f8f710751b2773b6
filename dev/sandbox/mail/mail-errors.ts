// The error bodies the Outlook service answers through Graph ({"error":{code,message,innerError}},
// graph/graph-errors.ts), with the codes Outlook uses. Sources per code are in docs/sandbox-mail.md.
import { graphError } from '../graph/graph-errors.js';
import type { SandboxRequest, SandboxResponse } from '../http/sandbox-http.js';

export class MailRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const accessDenied = () =>
  new MailRequestError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

export const itemNotFound = () =>
  new MailRequestError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const idMalformed = () => new MailRequestError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');

export const invalidUser = (user: string) =>
  new MailRequestError(404, 'ErrorInvalidUser', `The requested user '${user}' is invalid.`);

/** Graph's answer for /me with an app-only token (same text as the drive routes). */
export const meWithoutUser = () =>
  new MailRequestError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');

export const unsupportedOData = () =>
  new MailRequestError(405, 'ErrorInvalidRequest', 'The OData request is not supported.');

/** An unknown $select property (observed: RequestBroker--ParseUri). */
export const parseUri = (message: string) => new MailRequestError(400, 'RequestBroker--ParseUri', message);

export const invalidUrlQuery = (message: string) => new MailRequestError(400, 'ErrorInvalidUrlQuery', message);

export const invalidFilter = () =>
  new MailRequestError(400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');

/** Expired or unknown delta state: 410 Gone, SyncStateNotFound (mail-delta.ts has the sources). */
export const syncStateNotFound = (message: string) => new MailRequestError(410, 'SyncStateNotFound', message);

/**
 * The per-mailbox concurrency limit (throttling-limits "Outlook service limits": 4 concurrent requests
 * per app and mailbox). Body as observed (magodo/terraform-provider-outlook#21, alcionai/corso#3695).
 */
export const mailboxConcurrency = (retryAfterSeconds: number) =>
  new MailRequestError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
    'retry-after': String(retryAfterSeconds),
  });

export function mailErrorResponse(request: SandboxRequest, error: MailRequestError, now: number): SandboxResponse {
  return graphError(request, error.status, error.code, error.message, now, error.headers);
}
