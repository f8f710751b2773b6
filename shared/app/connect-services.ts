// Builds the connect use cases' dependencies from the app's Services (composition-root.ts), so the two
// functions stay thin. Settings come from the same Config; the authorize URL and the code exchange come
// from the source type's OAuth client (Services.oauthClients), the one token refreshes use.
import type { Services } from './composition-root.js';
import type { Config } from './config.js';
import type { Logger } from '../adapters/logging/logger.js';
import { registerSecret } from '../core/logging/redact.js';
import { TABLES } from '../adapters/storage/names.js';
import type { CompleteConnectDependencies } from '../core/connect/complete-connect.js';
import type { ConnectSettings } from '../core/connect/connect-settings.js';
import { ConnectStateSigner } from '../core/connect/signed-state.js';
import { ConnectStateStore } from '../adapters/azure-tables/connect-state-store.js';
import type { StartConnectDependencies } from '../core/connect/start-connect.js';

export type ConnectServices =
  | { ok: true; start: StartConnectDependencies; complete(log: Logger): CompleteConnectDependencies }
  | { ok: false; missing: string[] };

export function connectServices(services: Services): ConnectServices {
  const setup = connectSetup(services.config);
  if (!setup.ok) return setup;
  const { settings } = setup;
  const states = new ConnectStateStore(services.storage.table(TABLES.connectStates));
  const oauth = services.oauthClients;
  return {
    ok: true,
    start: { settings, sources: services.sources, states, oauth },
    complete: (log) => ({
      settings,
      sources: services.sources,
      states,
      tokens: services.tokens,
      providers: services.providers,
      syncJobs: services.syncJobs,
      oauth,
      log,
    }),
  };
}

type ConnectSetup = { ok: true; settings: ConnectSettings } | { ok: false; missing: string[] };

/**
 * What the connect flow needs from config, checked once: without an app registration (MS_CLIENT_ID) or
 * a state key (CONNECT_STATE_SECRET) the routes answer 503 naming the missing setting, never a 500.
 */
function connectSetup(config: Config): ConnectSetup {
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
      allowedOrigins: config.connectReturnToAllowlist,
      stateTtlMs: config.connectStateTtlSeconds * 1000,
      publicBaseUrl: config.publicBaseUrl,
    },
  };
}
