// The app's config pointed at a storage account and at the sandbox tenant (its confidential
// client), shared by tests and benchmarks so they configure the app the same way.
import { loadConfig, type Config } from '../../shared/app/config.js';
import { generateLocalTokenKeyEntry } from '../../shared/adapters/azure-tables/local-token-keys.js';

export interface SandboxTenant {
  graphBaseUrl: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export function appConfigFor(
  sandbox: SandboxTenant,
  storageConnectionString: string,
  env: Record<string, string> = {},
): Config {
  return loadConfig({
    AzureWebJobsStorage: storageConnectionString,
    GRAPH_BASE_URL: sandbox.graphBaseUrl,
    AUTHORITY_HOST: sandbox.authorityHost,
    MS_TENANT_ID: sandbox.tenantId,
    MS_CLIENT_ID: sandbox.clientId,
    MS_CLIENT_SECRET: sandbox.clientSecret,
    LOCAL_TOKEN_KEYS: generateLocalTokenKeyEntry('k1'),
    ...env,
  });
}
