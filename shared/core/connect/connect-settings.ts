// What the connect flow needs from config, checked once: without an app registration (MS_CLIENT_ID) or a
// state key (CONNECT_STATE_SECRET) the routes answer 503 naming the missing setting, never a 500.
import { registerSecret } from '../logging/redact.js';
import { ConnectStateSigner } from './signed-state.js';

/** The callback's route below the /api prefix (functions/connect-callback.ts). */
export const CONNECT_CALLBACK_ROUTE = 'connect/callback';

export interface ConnectSettings {
  signer: ConnectStateSigner;
  authorityHost: string;
  /** Tenant of /authorize and of the code exchange: MS_TENANT_ID, else "organizations" (multi-tenant). */
  tenantId: string;
  clientId: string;
  scopes: string;
  allowedOrigins: readonly string[];
  stateTtlMs: number;
  publicBaseUrl: string | undefined;
}

export type ConnectSetup = { ok: true; settings: ConnectSettings } | { ok: false; missing: string[] };

/** The settings the connect flow is built from (the composition root passes the app's config). */
export interface ConnectConfig {
  clientId: string | undefined;
  connectStateSecret: string | undefined;
  authorityHost: string;
  tenantId: string | undefined;
  connectScopes: string;
  connectReturnToAllowlist: readonly string[];
  connectStateTtlSeconds: number;
  publicBaseUrl: string | undefined;
}

export function connectSetup(config: ConnectConfig): ConnectSetup {
  const missing = [
    ...(config.clientId ? [] : ['MS_CLIENT_ID']),
    ...(config.connectStateSecret ? [] : ['CONNECT_STATE_SECRET']),
  ];
  if (!config.clientId || !config.connectStateSecret) return { ok: false, missing };
  registerSecret(config.connectStateSecret);
  return {
    ok: true,
    settings: {
      signer: new ConnectStateSigner(config.connectStateSecret),
      authorityHost: config.authorityHost,
      tenantId: config.tenantId ?? 'organizations',
      clientId: config.clientId,
      scopes: config.connectScopes,
      allowedOrigins: config.connectReturnToAllowlist,
      stateTtlMs: config.connectStateTtlSeconds * 1000,
      publicBaseUrl: config.publicBaseUrl,
    },
  };
}

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The redirect URI registered with Entra: under PUBLIC_BASE_URL when set (Azure: the app's https host
 * name, docs/deploy.md §3), else next to the start route the browser called, but only when that was
 * a loopback host (local runs: http://localhost:7071/api/connect/callback). Without PUBLIC_BASE_URL
 * the request URL comes from the Host header, which anyone can set: undefined then (the route refuses).
 */
export function callbackUrl(publicBaseUrl: string | undefined, startRequestUrl: string): string | undefined {
  if (publicBaseUrl) return `${publicBaseUrl}/api/${CONNECT_CALLBACK_ROUTE}`;
  const url = new URL('callback', startRequestUrl);
  return LOOPBACK_HOSTNAMES.has(url.hostname) ? url.href : undefined;
}
