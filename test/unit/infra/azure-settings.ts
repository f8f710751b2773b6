// Which settings the app needs in Azure, derived from the config schema so the list grows with it:
// every setting configSchema reads (its input object) is required as an app setting unless the schema gives it a default, it is
// local-only, or Azure replaces it with something else (each exception says why).
import type { z } from 'zod';
import { configSchema, SECRET_SETTINGS } from '../../../shared/app/config.js';
import type { SettingRules } from './bicep-checks.js';

/** Local-only settings: for workstation runs, never deployed. By convention every `LOCAL_*` setting. */
const LOCAL_ONLY_REASONS: Readonly<Record<string, string>> = {
  LOCAL_TOKEN_KEYS: 'keys of the local encrypted token store; Azure stores tokens in Key Vault (KEY_VAULT_URL)',
};

/** Settings Azure satisfies differently. */
const REPLACED_IN_AZURE: Readonly<Record<string, string>> = {
  AzureWebJobsStorage:
    'a connection string; Azure uses the identity-based AzureWebJobsStorage__* settings (allowSharedKeyAccess is false)',
};

/** Settings the deployment may leave unset, and why. */
const OPTIONAL_IN_AZURE: Readonly<Record<string, string>> = {
  MS_CLIENT_CERTIFICATE_PATH:
    'a PEM file on local disk, which the deployment does not ship; Azure uses the client secret (Key Vault reference) or the federated managed identity instead',
  NOTIFICATION_CERTIFICATE_NAME:
    'a Key Vault certificate is data-plane (no ARM resource), created after the deployment (docs/deploy.md); until it is set, Teams notifications stay plain',
};

/** Settings the Azure deployment needs although the app's schema does not read them. */
const AZURE_ONLY_REQUIRED: readonly string[] = [
  'AzureWebJobsStorage__credential', // host storage through the managed identity
  'AzureWebJobsStorage__blobServiceUri', // host locks and keys live in blobs
  'AZURE_CLIENT_ID', // DefaultAzureCredential picks the user-assigned identity by it
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', // local auth is disabled: telemetry needs an Entra token
];

/** App settings the Flex Consumption plan rejects or ignores (Microsoft Learn, "App settings reference for
 * Azure Functions", Flex Consumption plan deprecations): runtime and package come from functionAppConfig. */
const FLEX_DEPRECATED: readonly string[] = [
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_WORKER_RUNTIME_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_NODE_DEFAULT_VERSION',
];

const schemaShape: Readonly<Record<string, z.ZodType>> = configSchema.in.shape;

/** A setting the schema fills in when it is absent: safe to leave out of the Bicep. */
export function hasSafeDefault(name: string): boolean {
  const parsed = schemaShape[name]?.safeParse(undefined);
  return parsed?.success === true && parsed.data !== undefined;
}

export function isLocalOnly(name: string): boolean {
  return name.startsWith('LOCAL_') || name in LOCAL_ONLY_REASONS;
}

export const SCHEMA_SETTINGS: readonly string[] = Object.keys(schemaShape);

export function azureSettingRules(): SettingRules {
  const required = SCHEMA_SETTINGS.filter(
    (name) =>
      !hasSafeDefault(name) && !isLocalOnly(name) && !(name in REPLACED_IN_AZURE) && !(name in OPTIONAL_IN_AZURE),
  );
  const forbidden = new Map<string, string>([
    ...SCHEMA_SETTINGS.filter(isLocalOnly).map((name): [string, string] => [
      name,
      LOCAL_ONLY_REASONS[name] ?? 'local-only (LOCAL_* setting)',
    ]),
    ...Object.entries(REPLACED_IN_AZURE),
    ...FLEX_DEPRECATED.map((name): [string, string] => [name, 'not supported on Flex Consumption']),
  ]);
  return { required: [...required, ...AZURE_ONLY_REQUIRED], forbidden, secrets: [...SECRET_SETTINGS] };
}
