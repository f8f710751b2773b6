// Builds the connect use cases' dependencies from the app's Services (composition-root.ts), so the two
// functions stay thin. Settings come from the same Config; the token-endpoint client and the client
// credential are the token manager's (shared/tokens).
import type { Services } from './composition-root.js';
import type { Logger } from '../adapters/logging/logger.js';
import { TABLES } from '../adapters/storage/names.js';
import type { ClientCredential } from '../providers/microsoft/identity/client-credential.js';
import { appClientCredential } from './create-token-manager.js';
import { codeExchange } from '../providers/microsoft/identity/code-exchange.js';
import type { CompleteConnectDependencies } from '../core/connect/complete-connect.js';
import { connectSetup, type ConnectSettings } from '../core/connect/connect-settings.js';
import { ConnectStateStore } from '../adapters/azure-tables/connect-state-store.js';
import type { StartConnectDependencies } from '../core/connect/start-connect.js';

export type ConnectServices =
  | { ok: true; start: StartConnectDependencies; complete(log: Logger): CompleteConnectDependencies }
  | { ok: false; missing: string[] };

/** One client credential per Services (a managed identity credential keeps its own token cache). */
const credentials = new WeakMap<Services, { value: ClientCredential | undefined }>();

export function connectServices(services: Services): ConnectServices {
  const setup = connectSetup(services.config);
  if (!setup.ok) return setup;
  const settings: ConnectSettings = setup.settings;
  const states = new ConnectStateStore(services.storage.table(TABLES.connectStates));
  const credential = () => {
    let cached = credentials.get(services);
    if (!cached) {
      cached = { value: appClientCredential(services.config) };
      credentials.set(services, cached);
    }
    return cached.value;
  };
  return {
    ok: true,
    start: { settings, sources: services.sources, states },
    complete: (log) => ({
      settings,
      sources: services.sources,
      states,
      tokens: services.tokens,
      providers: services.providers,
      syncJobs: services.syncJobs,
      exchange: codeExchange({
        authorityHost: settings.authorityHost,
        tenantId: settings.tenantId,
        clientId: settings.clientId,
        clientCredential: credential(),
        scopes: settings.scopes,
      }),
      log,
    }),
  };
}
