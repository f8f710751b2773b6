// The error bodies the Teams service answers through Graph ({"error":{code,message,innerError}},
// graph/graph-errors.ts). docs/sandbox-teams.md lists each code with its source.
import { graphError } from '../graph/graph-errors.js';
import type { SandboxRequest, SandboxResponse } from '../http/sandbox-http.js';

export class TeamsRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * A token without the permission the API lists (Graph's permission check wording: "Missing scope
 * permissions on the request. API requires one of '…'. Scopes on the request '…'").
 */
export const missingPermission = (kind: 'scope' | 'role', required: string[], held: string[]) =>
  new TeamsRequestError(
    403,
    'Forbidden',
    `Missing ${kind} permissions on the request. API requires one of '${required.join(', ')}'. ${
      kind === 'scope' ? 'Scopes' : 'Roles'
    } on the request '${held.join(', ')}'.`,
  );

/** A delegated caller who is not a member of the team or chat. */
export const notMember = () =>
  new TeamsRequestError(403, 'Forbidden', 'Forbidden: the signed-in user is not a member of this conversation.');

export const notFound = (what: string) => new TeamsRequestError(404, 'NotFound', `${what} not found.`);

export const badRequest = (message: string) => new TeamsRequestError(400, 'BadRequest', message);

/** Query options the API does not support ("Other OData query parameters are not currently supported"). */
export const unsupportedQuery = (option: string) =>
  new TeamsRequestError(400, 'BadRequest', `Query option '${option}' is not supported for this request.`);

/** A delta or page token the sandbox did not issue, or issued for another channel or chat. */
export const invalidToken = () => new TeamsRequestError(400, 'BadRequest', 'The skip or delta token is not valid.');

export const methodNotAllowed = () =>
  new TeamsRequestError(
    405,
    'MethodNotAllowed',
    'The sandbox changes Teams content through its control API (/_sandbox/teams/), not through Graph writes.',
  );

export function teamsErrorResponse(request: SandboxRequest, error: TeamsRequestError, now: number): SandboxResponse {
  return graphError(request, error.status, error.code, error.message, now, error.headers);
}
