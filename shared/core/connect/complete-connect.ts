// GET /api/connect/callback: the end of the connect flow (docs/connect.md).
//  1. The state must carry our signature; otherwise nothing in the request can be trusted, returnTo
//     included, and the user gets an error page.
//  2. From here on returnTo is trustworthy (we signed it), so every failure goes back to it with
//     status=error&error=<code>: expired state, a state used before (its one-time row is gone), the
//     user's refusal (error=access_denied from the authorize endpoint), a failed exchange, ...
//  3. Success: the code is redeemed with the PKCE verifier, the refresh token stored through the token
//     manager, the location resolved with the new grant (for a location named relative to the account,
//     this is when its ids become known), the source set active and its first sync queued.
// The code, the verifier and the tokens are never logged or returned.
import type { AuditRecorder } from '../audit/audit-recorder.js';
import { z } from 'zod';
import type { SourceKey, SourceRecord } from '../domain/source.js';
import type { ConnectStateRepository } from '../ports/connect-state-repository.js';
import type { Logger } from '../ports/logger.js';
import type { SourceRepository } from '../ports/source-repository.js';
import type { SyncJobQueue } from '../ports/sync-job-queue.js';
import { NotFoundError, PermanentSourceError, ReauthRequiredError, TransientError } from '../domain/errors.js';
import type { ProviderRegistry, ResolvedLocation, TokenManager } from '../ports/provider-ports.js';
import type { OAuthClientRegistry } from '../ports/oauth-client.js';
import type { ConnectErrorCode } from './connect-errors.js';
import type { ConnectSettings } from './connect-settings.js';
import { originAllowed, returnToWith } from './return-to.js';
import type { ConnectStatePayload } from './signed-state.js';
import { CONNECTABLE_STATES } from './start-connect.js';

/** The authorize endpoint's answer (other parameters, e.g. session_state or error_description, are ignored). */
// Lenient on purpose: an empty or overlong state is answered as invalid_state (the signer bounds its
// length), an empty code or error as absent, rather than as a malformed request.
export const connectCallbackQuerySchema = z.object({
  state: z.string().optional(),
  code: z.string().max(8192).optional(),
  error: z.string().max(256).optional(),
});
export type ConnectCallbackQuery = z.infer<typeof connectCallbackQuerySchema>;

export interface CompleteConnectDependencies {
  settings: ConnectSettings;
  sources: Pick<SourceRepository, 'get' | 'update'>;
  states: Pick<ConnectStateRepository, 'take'>;
  tokens: TokenManager;
  providers: ProviderRegistry;
  syncJobs: SyncJobQueue;
  /** The source type's OAuth client redeems the code. */
  oauth: OAuthClientRegistry;
  log: Logger;
  /** The credential audit log: the flow completed or failed (a forged state names no source: not audited). */
  audit?: AuditRecorder;
  now?: () => number;
}

export type CompleteConnectResult =
  | { kind: 'redirect'; location: string }
  /** No trustworthy returnTo: an error page with this status. */
  | { kind: 'page'; status: number; error: ConnectErrorCode };

/** Errors of the authorize endpoint (RFC 6749 §4.1.2.1) passed on as they are; anything else is generic. */
const PASSED_ON_AUTHORIZE_ERRORS: ReadonlySet<string> = new Set(['access_denied', 'temporarily_unavailable']);

export async function completeConnect(
  deps: CompleteConnectDependencies,
  query: ConnectCallbackQuery,
): Promise<CompleteConnectResult> {
  const state = query.state ? deps.settings.signer.verify(query.state) : undefined;
  if (!state) {
    deps.log.warn('connect.failed', { error: 'invalid_state', stateGiven: Boolean(query.state) });
    return { kind: 'page', status: 400, error: 'invalid_state' };
  }
  // Signed by us, but the allow-list may have shrunk since: check again before sending anyone there.
  if (!URL.canParse(state.returnTo) || !originAllowed(new URL(state.returnTo), deps.settings.allowedOrigins)) {
    deps.log.warn('connect.failed', { kbId: state.kbId, sourceId: state.sourceId, error: 'invalid_state' });
    return { kind: 'page', status: 400, error: 'invalid_state' };
  }
  const key: SourceKey = { kbId: state.kbId, sourceId: state.sourceId };
  let failed: ConnectErrorCode | undefined;
  const fail = (error: ConnectErrorCode, detail?: string): CompleteConnectResult => {
    failed = error;
    deps.log.warn('connect.failed', { ...key, error, ...(detail ? { detail } : {}) });
    return back(state, { status: 'error', error });
  };
  try {
    const result = await finish(deps, state, key, query, fail);
    if (failed) await deps.audit?.(key, 'connect_failed', 'failed', { error: failed });
    else await deps.audit?.(key, 'connect_completed', 'ok');
    return result;
  } catch (error) {
    await deps.audit?.(key, 'connect_failed', 'failed', { error: 'server_error' });
    // Storage or another dependency failed unexpectedly. Only the error's type is logged: messages of
    // SDK errors can quote requests.
    deps.log.error('connect.failed', { ...key, error: 'server_error', errorType: errorName(error) });
    return back(state, { status: 'error', error: 'server_error' });
  }
}

async function finish(
  deps: CompleteConnectDependencies,
  state: ConnectStatePayload,
  key: SourceKey,
  query: ConnectCallbackQuery,
  fail: (error: ConnectErrorCode, detail?: string) => CompleteConnectResult,
): Promise<CompleteConnectResult> {
  const now = (deps.now ?? Date.now)();
  // Taken (deleted) first, whatever happens next: a state is good for one callback only.
  const flow = await deps.states.take(state.id);
  if (state.exp <= now) return fail('expired_state');
  if (!flow) return fail('state_already_used');
  if (flow.kbId !== state.kbId || flow.sourceId !== state.sourceId) return fail('invalid_state');

  if (query.error) {
    return fail(
      PASSED_ON_AUTHORIZE_ERRORS.has(query.error) ? (query.error as ConnectErrorCode) : 'authorization_failed',
    );
  }
  if (!query.code) return fail('invalid_request');

  const source = (await deps.sources.get(key))?.record;
  if (!source) return fail('source_not_found');
  // Connected meanwhile (another tab): keep the working grant rather than replace it.
  if (!CONNECTABLE_STATES.includes(source.state)) return fail('already_connected');

  const outcome = await deps.oauth.get(source.type).exchangeCode({
    code: query.code,
    redirectUri: flow.redirectUri,
    codeVerifier: flow.codeVerifier,
  });
  if (outcome.kind === 'transient') return fail('temporarily_unavailable', outcome.reason);
  if (outcome.kind === 'permanent') return fail('exchange_failed', outcome.reason);
  const refreshToken = outcome.tokens.refreshToken;
  if (refreshToken === undefined) return fail('no_refresh_token');

  await deps.tokens.storeGrant(key, { refreshToken, sourceType: source.type });
  const location = await resolveWithNewGrant(deps, source);
  if (location.kind !== 'resolved') {
    // Do not leave a grant that cannot serve this source (another account, no access) attached to it.
    await deps.tokens.revoke(key);
    return fail(location.error, location.detail);
  }

  const previousState = source.state;
  const updated = await deps.sources.update(key, (current) =>
    withoutUndefined({
      ...current,
      resolvedLocation: withoutUndefined(location.location),
      state: 'active' as const,
      stateReason: undefined,
      lastError: undefined,
    }),
  );
  if (!updated) {
    await deps.tokens.revoke(key);
    return fail('source_not_found');
  }
  await deps.syncJobs.enqueue(key, previousState === 'pending_auth' ? 'registered' : 'reconnected');
  deps.log.info('connect.completed', { ...key, previousState });
  return back(state, { status: 'connected', kbId: key.kbId, sourceId: key.sourceId });
}

type LocationOutcome =
  { kind: 'resolved'; location: ResolvedLocation } | { kind: 'failed'; error: ConnectErrorCode; detail: string };

async function resolveWithNewGrant(deps: CompleteConnectDependencies, source: SourceRecord): Promise<LocationOutcome> {
  let location: ResolvedLocation;
  try {
    location = await deps.providers.get(source.type).resolveLocation(source, source.location);
  } catch (error) {
    if (error instanceof NotFoundError) return { kind: 'failed', error: 'drive_not_found', detail: error.message };
    if (error instanceof PermanentSourceError) {
      return { kind: 'failed', error: 'drive_access_denied', detail: error.reason };
    }
    if (error instanceof ReauthRequiredError) return { kind: 'failed', error: 'exchange_failed', detail: error.reason };
    if (error instanceof TransientError) {
      return { kind: 'failed', error: 'temporarily_unavailable', detail: error.message };
    }
    throw error;
  }
  // A source that already knew its location (registered with an id, or reconnecting after
  // needs_reauth) must get the same location back: "my files" signed in as someone else would
  // silently switch the knowledge base to another person's files.
  const provider = deps.providers.get(source.type);
  if (provider.isResolved(source.resolvedLocation) && !provider.sameLocation(source.resolvedLocation, location)) {
    return { kind: 'failed', error: 'account_mismatch', detail: 'the signed-in account resolves to another location' };
  }
  return { kind: 'resolved', location };
}

function back(state: ConnectStatePayload, params: Record<string, string>): CompleteConnectResult {
  const base = new URL(state.returnTo);
  const withSource = params.status === 'error' ? { ...params, kbId: state.kbId, sourceId: state.sourceId } : params;
  return { kind: 'redirect', location: returnToWith(base, withSource) };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** Table Storage keeps no undefined; dropping them removes cleared fields on Replace. */
function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
