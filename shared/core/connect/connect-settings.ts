// What the connect flow needs besides the source type's OAuth client, checked once from config by the
// composition (shared/app/connect-services.ts).
import type { ConnectStateSigner } from './signed-state.js';

/** The callback's route below the /api prefix (functions/connect-callback.ts). */
export const CONNECT_CALLBACK_ROUTE = 'connect/callback';

export interface ConnectSettings {
  signer: ConnectStateSigner;
  allowedOrigins: readonly string[];
  stateTtlMs: number;
  publicBaseUrl: string | undefined;
}

/**
 * The redirect URI registered with the provider: under PUBLIC_BASE_URL when set (Azure: the app's https host
 * name, docs/deploy.md §3), else next to the start route the browser called (local runs:
 * http://localhost:7071/api/connect/callback). Providers only redirect to registered URIs, so a forged
 * Host header cannot send a code elsewhere.
 */
export function callbackUrl(publicBaseUrl: string | undefined, startRequestUrl: string): string {
  if (publicBaseUrl) return `${publicBaseUrl}/api/${CONNECT_CALLBACK_ROUTE}`;
  return new URL('callback', startRequestUrl).href;
}
