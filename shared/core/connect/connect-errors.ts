// The error codes the connect flow reports, to the host (as `error=<code>` on returnTo) or to the user
// (on the error page when there is no trustworthy returnTo). Stable strings: hosts branch on them.
export const CONNECT_ERROR_MESSAGES = {
  invalid_state: 'The sign-in link is not valid. Start connecting again from the application.',
  expired_state: 'The sign-in took too long. Start connecting again.',
  state_already_used: 'This sign-in was already completed or abandoned. Start connecting again.',
  invalid_request: 'The sign-in response was incomplete. Start connecting again.',
  access_denied: 'Access was not granted.',
  authorization_failed: 'Microsoft sign-in reported an error.',
  exchange_failed: 'Microsoft did not accept the sign-in; connect again.',
  no_refresh_token: 'The sign-in did not grant offline access (offline_access); connect again and accept it.',
  temporarily_unavailable: 'Microsoft or the service is unavailable for now; try again in a moment.',
  source_not_found: 'The source no longer exists.',
  already_connected: 'The source is already connected.',
  drive_not_found: 'The signed-in account cannot see the drive or folder of this source.',
  drive_access_denied: 'The signed-in account has no access to the drive of this source.',
  account_mismatch: 'The signed-in account is not the one this source belongs to.',
  server_error: 'Something went wrong on our side; try again.',
  // Only on /connect/start's error page (a browser that cannot be sent anywhere yet).
  return_to_not_allowed: 'The application asked to come back to an address this service does not allow.',
  not_connectable: 'This source cannot be connected now.',
  untrusted_host: 'This service cannot tell its own public address (PUBLIC_BASE_URL is not set).',
  not_configured: 'Connecting drives is not set up on this service.',
} as const;

export type ConnectErrorCode = keyof typeof CONNECT_ERROR_MESSAGES;
