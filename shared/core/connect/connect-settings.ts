// What the connect flow needs besides the source type's OAuth client, checked once from config by the
// composition root (shared/app/use-cases.ts).
import type { ConnectStateSigner } from './signed-state.js';

/** The callback's route below the /api prefix (functions/connect-callback.ts). */
export const CONNECT_CALLBACK_ROUTE = 'connect/callback';

export interface ConnectSettings {
  signer: ConnectStateSigner;
  allowedOrigins: readonly string[];
  stateTtlMs: number;
  publicBaseUrl: string | undefined;
}

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The redirect URI registered with the provider: under PUBLIC_BASE_URL when set (Azure: the app's https host
 * name, docs/deploy.md §3), else next to the start route the browser called, but only when that was
 * a loopback host (local runs: http://localhost:7071/api/connect/callback). Without PUBLIC_BASE_URL
 * the request URL comes from the Host header, which anyone can set: undefined then (the route refuses).
 */
export function callbackUrl(publicBaseUrl: string | undefined, startRequestUrl: string): string | undefined {
  if (publicBaseUrl) return `${publicBaseUrl}/api/${CONNECT_CALLBACK_ROUTE}`;
  const url = new URL('callback', startRequestUrl);
  return LOOPBACK_HOSTNAMES.has(url.hostname) ? url.href : undefined;
}
