// GET /api/connect/start?kbId&sourceId&returnTo: checks returnTo against the allow-list and that the
// source waits for a connection, saves the flow's one-time row (PKCE verifier), and answers the
// redirect to the authorize endpoint of the source type's provider with a signed, expiring state (docs/connect.md).
//
// The route is anonymous (the user's browser has no function key). Anyone can therefore probe whether
// a kbId/sourceId pair exists (404 vs 409 vs 302). We accept that: ids are not secrets in this API,
// and starting a flow grants nothing. Only sources in pending_auth or needs_reauth can be connected,
// so a working source can never be re-pointed at another account through this route.
import type { AuditRecorder } from '../audit/audit-recorder.js';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { idSchema, type SourceState } from '../domain/source.js';
import type { OAuthClientRegistry } from '../ports/oauth-client.js';
import type { ConnectSettings } from './connect-settings.js';
import { callbackUrl } from './connect-settings.js';
import type { ConnectStateRepository } from '../ports/connect-state-repository.js';
import type { SourceRepository } from '../ports/source-repository.js';
import { codeChallengeS256, createCodeVerifier } from './pkce.js';
import { checkReturnTo } from './return-to.js';

export const connectStartQuerySchema = z.object({
  kbId: idSchema,
  sourceId: idSchema,
  returnTo: z.string().min(1).max(2048),
});
export type ConnectStartQuery = z.infer<typeof connectStartQuerySchema>;

/** States a connect flow may start from: never connected, or the stored grant died. */
export const CONNECTABLE_STATES: readonly SourceState[] = ['pending_auth', 'needs_reauth'];

export interface StartConnectDependencies {
  settings: ConnectSettings;
  sources: Pick<SourceRepository, 'get'>;
  states: Pick<ConnectStateRepository, 'save'>;
  /** The source type's OAuth client builds the authorize URL. */
  oauth: OAuthClientRegistry;
  /** The credential audit log: a connect flow started for the source. */
  audit?: AuditRecorder;
  now?: () => number;
}

export type StartConnectResult =
  | { kind: 'redirect'; location: string; returnToOrigin: string }
  | { kind: 'return_to_rejected'; reason: string }
  | { kind: 'source_not_found' }
  | { kind: 'not_connectable'; reason: string }
  | { kind: 'untrusted_host' };

export async function startConnect(
  deps: StartConnectDependencies,
  query: ConnectStartQuery,
  requestUrl: string,
): Promise<StartConnectResult> {
  const { settings } = deps;
  const redirectUri = callbackUrl(settings.publicBaseUrl, requestUrl);
  if (redirectUri === undefined) return { kind: 'untrusted_host' };
  const returnTo = checkReturnTo(query.returnTo, settings.allowedOrigins);
  if (!returnTo.ok) return { kind: 'return_to_rejected', reason: returnTo.reason };

  const source = (await deps.sources.get(query))?.record;
  if (!source) return { kind: 'source_not_found' };
  if (source.auth !== 'delegated') {
    return { kind: 'not_connectable', reason: 'app-only sources use the app credential; there is nobody to sign in' };
  }
  if (!CONNECTABLE_STATES.includes(source.state)) {
    return {
      kind: 'not_connectable',
      reason: `the source is ${source.state}; only pending_auth or needs_reauth connect`,
    };
  }

  const id = randomBytes(32).toString('base64url');
  const codeVerifier = createCodeVerifier();
  const expiresAtMs = (deps.now ?? Date.now)() + settings.stateTtlMs;
  await deps.states.save({
    id,
    kbId: query.kbId,
    sourceId: query.sourceId,
    returnTo: returnTo.url.href,
    redirectUri,
    codeVerifier,
    expiresAtMs,
  });
  const state = settings.signer.sign({
    v: 1,
    id,
    kbId: query.kbId,
    sourceId: query.sourceId,
    returnTo: returnTo.url.href,
    exp: expiresAtMs,
  });
  await deps.audit?.({ kbId: query.kbId, sourceId: query.sourceId }, 'connect_started', 'ok', {
    returnToOrigin: returnTo.url.origin,
  });
  return {
    kind: 'redirect',
    returnToOrigin: returnTo.url.origin,
    location: deps.oauth.get(source.type).authorizeUrl({
      redirectUri,
      state,
      codeChallenge: codeChallengeS256(codeVerifier),
    }),
  };
}
